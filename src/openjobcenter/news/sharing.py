"""Sharing as plain links: no third-party script, nothing sent before the person clicks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.urls import reverse

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.news.models import Post


@dataclass(frozen=True)
class ShareLinks:
    url: str
    mastodon: str
    email: str


def share_links(request: HttpRequest, post: Post) -> ShareLinks:
    url = request.build_absolute_uri(
        reverse("tenant:news_post", kwargs={"jc": post.jobcenter.slug, "pk": post.pk})
    )
    text = f"{post.text[:200]}\n\n{url}"
    return ShareLinks(
        url=url,
        # Our own page asks for the person's server and sends them to its share page.
        mastodon=reverse("tenant:news_share", kwargs={"jc": post.jobcenter.slug, "pk": post.pk}),
        email="mailto:?" + "subject=" + quote(post.text[:60]) + "&body=" + quote(text),
    )


_HOST = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def mastodon_share_url(server: str, post_url: str, text: str) -> str | None:
    """``https://<server>/share?text=...``, or None for something that is not a host name."""
    host = server.strip().lower().removeprefix("https://").removeprefix("@").split("/")[0]
    if "@" in host:  # "name@server.example" as people write their address
        host = host.rsplit("@", 1)[1]
    if not _HOST.match(host):
        return None
    return f"https://{host}/share?" + urlencode({"text": f"{text[:200]}\n\n{post_url}"})
