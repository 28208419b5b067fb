"""Django's admin app with the platform's site (``core.admin_site.SecureAdminSite``).

Listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``, so ``admin.site`` and
every ``@admin.register`` use the site that asks for the second factor and audits.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class SecureAdminConfig(AdminConfig):
    default_site = "openjobcenter.core.admin_site.SecureAdminSite"
