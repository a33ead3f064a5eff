import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkregie.settings")
application = get_wsgi_application()

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from wijkregie.core.backup import identity_keys_problem  # noqa: E402  (needs settings)
from wijkregie.core.installation import require_database  # noqa: E402

# A web server never creates an empty SQLite database (wrong WIJKREGIE_HOME), nor serves a
# database whose identities its keys cannot decrypt: it refuses to start.
require_database()
if problem := identity_keys_problem():
    raise ImproperlyConfigured(problem)
