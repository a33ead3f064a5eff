"""Django's admin app with Wijkregie's site (kept out of core/apps.py, where a second
AppConfig would make the core app's default ambiguous)."""

from django.contrib.admin.apps import AdminConfig


class WijkregieAdminConfig(AdminConfig):
    """The admin with the site that requires the second factor (ADR 0009)."""

    default_site = "wijkregie.core.admin_audit.AdminSite"
