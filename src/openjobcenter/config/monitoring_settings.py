"""Settings of monitoring (``/metrics``, ``/readyz``; docs/monitoring.md), parsed fail-loud."""

from __future__ import annotations

import ipaddress

from openjobcenter.config.env import ConfigError, env_int, env_list, env_str

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def metrics_settings(environ: dict[str, str] | None = None) -> dict[str, object]:
    """``/metrics`` answers only a bearer token (``METRICS_TOKEN``) or a client address
    inside ``METRICS_ALLOWED_IPS`` (addresses or networks, comma-separated); everyone
    else gets 404. With neither set, nobody can read it."""
    token = env_str("METRICS_TOKEN", "", environ)
    if token and len(token) < 32:
        msg = "METRICS_TOKEN must be at least 32 characters long (a random string)"
        raise ConfigError(msg)
    networks: list[IPNetwork] = []
    for part in env_list("METRICS_ALLOWED_IPS", [], environ):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            msg = (
                f"METRICS_ALLOWED_IPS must list IP addresses or networks (10.0.0.0/8); got {part!r}"
            )
            raise ConfigError(msg) from None
    return {"token": token, "allowed_networks": tuple(networks)}


def readyz_settings(environ: dict[str, str] | None = None) -> dict[str, int]:
    """``/readyz`` fails when the oldest task ready to run waited longer than this: the
    workers are gone or cannot keep up."""
    return {
        "queue_age_max_s": env_int(
            "READYZ_QUEUE_AGE_MAX_S", 600, minimum=10, maximum=86400, environ=environ
        ),
    }
