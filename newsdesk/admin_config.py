"""``django.contrib.admin`` with the site's admin (``members.admin_site``) as ``admin.site``.

Kept apart from that module: an AppConfig is imported while the app registry fills, before
the forms the site uses can be.
"""

from django.contrib.admin.apps import AdminConfig


class NewsdeskAdminConfig(AdminConfig):
    default_site = "members.admin_site.NewsdeskAdminSite"
