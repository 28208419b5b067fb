"""Run the test provider: ``python -m tests.idp.server <state dir> <client id> <secret>
<redirect uri>...``. Migrates its own SQLite file, registers the platform as a client,
listens on a free loopback port and prints ``PORT <n>`` when ready."""

from __future__ import annotations

import os
import sys


def main() -> None:
    state_dir, client_id, secret, *redirects = sys.argv[1:]
    os.environ["IDP_STATE_DIR"] = state_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.idp.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application  # type: ignore[import-untyped]

    call_command("migrate", verbosity=0)
    Application.objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": "OpenJobcenter",
            "client_secret": secret,
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": " ".join(redirects),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False)
    httpd.set_app(get_wsgi_application())
    sys.stdout.write(f"PORT {httpd.server_address[1]}\n")
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
