"""Public pages of a job centre's news: the list, one post, its image, Atom and RSS."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from openjobcenter.core.access import Perm, has_perm, request_jobcenter, staff_roles
from openjobcenter.news import federation, selectors
from openjobcenter.news.models import Post
from openjobcenter.news.sharing import mastodon_share_url, share_links
from openjobcenter.tenants.modules import require_module
from openjobcenter.web.fragments import cached_part

MODULE = "news"
PER_PAGE = 10
FEED_ITEMS = 20


def wants_activity_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/activity+json" in accept or "application/ld+json" in accept


def activity_response(doc: dict[str, object] | str) -> HttpResponse:
    """An ActivityPub document (a dict, or its JSON text kept by ``cached``)."""
    body = doc if isinstance(doc, str) else json.dumps(doc, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/activity+json")
    response["Vary"] = "Accept"
    return response


@require_module(MODULE)
@require_safe
def news(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    page = Paginator(selectors.visible_posts(jobcenter), PER_PAGE).get_page(
        request.GET.get("seite")
    )
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "posts": [(p, share_links(request, p)) for p in page.object_list],
            "handle": federation.handle(jobcenter),
        },
    )


@require_module(MODULE)
@require_safe
def post(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    found = selectors.get_visible_post(jobcenter, pk)
    if wants_activity_json(request):
        doc = {"@context": federation.AS_CONTEXT, **federation.note_document(found)}
        return activity_response(doc)
    response = render(
        request, "news/post.html", {"post": found, "share": share_links(request, found)}
    )
    response["Vary"] = "Accept"
    return response


@require_module(MODULE)
@require_safe
@cache_control(max_age=3600)
def image(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    roles = staff_roles(request.user, jobcenter)  # type: ignore[arg-type]
    if has_perm(roles, Perm.NEWS_PUBLISH):  # a scheduled or expired post on its edit page
        found = selectors.get_post_for_staff(jobcenter, pk)
    else:
        found = selectors.get_visible_post(jobcenter, pk)
    if not found.image or not default_storage.exists(found.image):
        raise Http404
    response = FileResponse(default_storage.open(found.image, "rb"), content_type=found.image_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    return cast("HttpResponse", response)


def cached(request: HttpRequest, name: str, variant: str, render: Callable[[], str]) -> str:
    """``render()`` kept per process until the job centre's version changes (every post
    write) or a scheduled post or an expiry changes what is visible (web/fragments.py)."""
    jobcenter = request_jobcenter(request)
    return cached_part(
        name,
        jobcenter,
        variant,
        render,
        until=lambda: selectors.next_change(jobcenter, timezone.now()),
    )


def _feed(request: HttpRequest, kind: type[SyndicationFeed]) -> HttpResponse:
    body = cached(
        request, f"news:{kind.__name__}", request.get_host(), lambda: _render_feed(request, kind)
    )
    return HttpResponse(body, content_type=kind.content_type)  # type: ignore[attr-defined]


def _render_feed(request: HttpRequest, kind: type[SyndicationFeed]) -> str:
    jobcenter = request_jobcenter(request)
    home = request.build_absolute_uri(reverse("tenant:news", kwargs={"jc": jobcenter.slug}))
    feed = kind(
        title=_("Neuigkeiten: %(name)s") % {"name": jobcenter.name},
        link=home,
        description=_("Neuigkeiten des Jobcenters %(name)s") % {"name": jobcenter.name},
        language="de",
        feed_url=request.build_absolute_uri(),
    )
    posts: list[Post] = list(selectors.visible_posts(jobcenter)[:FEED_ITEMS])
    for item in posts:
        url = request.build_absolute_uri(
            reverse("tenant:news_post", kwargs={"jc": jobcenter.slug, "pk": item.pk})
        )
        title = item.text.split("\n", 1)[0][:80]
        feed.add_item(
            title=title,
            link=url,
            description=item.text + (f"\n\n{item.link}" if item.link else ""),
            unique_id=url,
            pubdate=item.published_at,
            updateddate=item.updated_at,
        )
    return feed.writeString("utf-8")


@require_module(MODULE)
@require_safe
def atom(request: HttpRequest, jc: str) -> HttpResponse:
    return _feed(request, Atom1Feed)


@require_module(MODULE)
@require_safe
def rss(request: HttpRequest, jc: str) -> HttpResponse:
    return _feed(request, Rss201rev2Feed)


@require_module(MODULE)
@require_safe
def share(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Share on Mastodon: the person names their server, we send them to its share page."""
    found = selectors.get_visible_post(request_jobcenter(request), pk)
    links = share_links(request, found)
    server = request.GET.get("server", "")[:200]
    error = ""
    if server:
        target = mastodon_share_url(server, links.url, found.text)
        if target is not None:
            return HttpResponseRedirect(target)
        error = _("Bitte geben Sie den Namen Ihres Servers an, zum Beispiel social.bund.de.")
    return render(
        request,
        "news/share.html",
        {"post": found, "server": server, "error": error},
        status=400 if error else 200,
    )
