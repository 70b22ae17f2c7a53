from django.contrib.admin.apps import AdminConfig


class SoliDomeAdminConfig(AdminConfig):
    """Django's admin with the platform's site (``soli_dome.admin_site``)."""

    default_site = "soli_dome.admin_site.SoliDomeAdminSite"
