import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkregie.settings")
application = get_wsgi_application()

from wijkregie.core.installation import require_database  # noqa: E402  (needs settings)

# A web server never creates an empty SQLite database (wrong WIJKREGIE_HOME): it refuses.
require_database()
