from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openjobcenter.accounts"
    label = "accounts"
    verbose_name = _("Konten")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from openjobcenter.accounts import ratelimit_redis

        # allauth's rate limits in one Redis round trip per rate (accounts/ratelimit_redis.py).
        ratelimit_redis.install()
        # Every way in (password, passkey, SSO, BundID) goes through auth.login.
        user_logged_in.connect(_keep_chosen_language, dispatch_uid="ojc_keep_chosen_language")


def _keep_chosen_language(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    from openjobcenter.accounts.services import user_keep_chosen_language

    user_keep_chosen_language(request=request, user=user)
