"""Embedding videos of a job centre's own PeerTube instance (issue 22 §1).

The host is the job centre's setting (``VideoSettings.peertube_host``, set by its admin on
the videos page), else the installation's ``VIDEOS_PEERTUBE_HOST``. Only addresses on
that host are accepted and embedded, and only the player page of such a video allows
frames, from that host alone (its own ``Content-Security-Policy``); every other page
keeps ``default-src 'self'``, which forbids frames.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

from openjobcenter.videos.conf import conf
from openjobcenter.videos.models import VideoSettings

if TYPE_CHECKING:
    from django.http import HttpResponse

    from openjobcenter.tenants.models import Jobcenter

HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:[0-9]{1,5})?")
WATCH_PATHS = ("/w/", "/videos/watch/", "/videos/embed/")


def valid_host(host: str) -> bool:
    return bool(HOST.fullmatch(host))


def host_for(jobcenter: Jobcenter | None) -> str:
    """The PeerTube host whose videos this job centre may embed ("" for none)."""
    own = ""
    if jobcenter is not None:
        own = (
            VideoSettings.objects.filter(jobcenter=jobcenter)
            .values_list("peertube_host", flat=True)
            .first()
            or ""
        )
    return own or str(conf()["peertube_host"] or "")


def accepts(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return bool(host) and parts.scheme == "https" and parts.netloc.lower() == host


def embed_url(url: str, host: str) -> str:
    """The embed address of a video on ``host`` ("" when the address is not one)."""
    if not url or not accepts(url, host):
        return ""
    path = urlsplit(url).path
    if not path.startswith(WATCH_PATHS):
        return ""
    video_id = path.rstrip("/").rsplit("/", 1)[-1]
    if not video_id or not video_id.replace("-", "").isalnum():
        return ""
    return f"https://{host}/videos/embed/{video_id}"


def allow_frame(response: HttpResponse, embed: str) -> HttpResponse:
    """This response's CSP: the site's, plus ``frame-src`` for the embed's host only."""
    if embed:
        host = urlsplit(embed).netloc
        response["Content-Security-Policy"] = (
            f"{settings.CONTENT_SECURITY_POLICY}; frame-src https://{host}"
        )
    return response
