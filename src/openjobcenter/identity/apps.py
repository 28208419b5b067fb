from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "openjobcenter.identity"
    label = "identity"
    verbose_name = _("Anmeldung über Identitätsanbieter")

    def ready(self) -> None:
        from openjobcenter.accounts.middleware import register_session_check
        from openjobcenter.identity.sessions import socket_role_deadline

        # Open sockets (chat, team inbox, video) honour the role lifetime too.
        register_session_check(socket_role_deadline)
