"""Settings of the test identity provider (a separate Django project)."""

from __future__ import annotations

import os
from pathlib import Path

STATE = Path(os.environ["IDP_STATE_DIR"])
SECRET_KEY = "test-idp-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.idp.urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(STATE / "idp.sqlite3")}
}
USE_TZ = True
LOGIN_URL = "/login/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
TEMPLATES: list[dict[str, object]] = []
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (STATE / "key.pem").read_text(),
    "PKCE_REQUIRED": True,
    # Short access tokens (Keycloak's default is 5 minutes, scaled down): the platform
    # renews them with the refresh token (rotated at each use, the DOT default).
    "ACCESS_TOKEN_EXPIRE_SECONDS": 2,
    "OAUTH2_VALIDATOR_CLASS": "tests.idp.validator.Validator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name",
        "email": "E-Mail",
        "groups": "Gruppen",
    },
}
# The platform may run on the same loopback address (another port): browsers keep cookies
# per host, not per port, so the provider's must not be called like the platform's.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
