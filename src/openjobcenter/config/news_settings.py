"""Settings of news and federation (``news/``, docs/news.md), parsed fail-loud."""

from __future__ import annotations

from typing import TypedDict

from openjobcenter.config.env import ConfigError, env_bool, env_int, env_list


class NewsSettings(TypedDict):
    federation: bool
    image_max_bytes: int
    text_max_length: int
    signature_window_s: int
    inbox_max_bytes: int
    remote_timeout_s: int
    host_map: dict[str, str]


def news_settings(*, production: bool, environ: dict[str, str] | None = None) -> NewsSettings:
    """Limits of posts and of the ActivityPub federation.

    ``NEWS_FEDERATION_HOSTS`` exists for the two-instance test only: ``host=127.0.0.1:port``
    pairs whose outgoing requests go over plain HTTP to that address instead of HTTPS to
    the host's DNS address. It is refused in production, where every remote server is
    reached over HTTPS at its public address (private addresses refused).
    """
    host_map: dict[str, str] = {}
    for part in env_list("NEWS_FEDERATION_HOSTS", [], environ):
        host, sep, target = part.partition("=")
        if not sep or not host.strip() or ":" not in target:
            msg = f"NEWS_FEDERATION_HOSTS must list host=address:port pairs; got {part!r}"
            raise ConfigError(msg)
        host_map[host.strip().lower()] = target.strip()
    if host_map and production:
        msg = "NEWS_FEDERATION_HOSTS is for tests only and must not be set when OJC_ENV=production"
        raise ConfigError(msg)
    return {
        "federation": env_bool("NEWS_FEDERATION", default=True, environ=environ),
        "image_max_bytes": env_int("NEWS_IMAGE_MAX_MB", 5, minimum=1, maximum=50, environ=environ)
        * 1024
        * 1024,
        "text_max_length": 500,
        "signature_window_s": env_int(
            "NEWS_SIGNATURE_WINDOW_S", 300, minimum=30, maximum=3600, environ=environ
        ),
        "inbox_max_bytes": env_int(
            "NEWS_INBOX_MAX_KB", 256, minimum=16, maximum=4096, environ=environ
        )
        * 1024,
        "remote_timeout_s": env_int(
            "NEWS_REMOTE_TIMEOUT_S", 10, minimum=1, maximum=60, environ=environ
        ),
        "host_map": host_map,
    }
