"""ActivityPub endpoints of a job centre: WebFinger, actor, outbox, followers, inbox."""

from __future__ import annotations

import json
import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from openjobcenter.core.access import request_jobcenter
from openjobcenter.news import federation, selectors, services
from openjobcenter.news.conf import news_conf
from openjobcenter.news.models import Follower
from openjobcenter.news.views_public import MODULE, activity_response, cached
from openjobcenter.tenants import modules
from openjobcenter.tenants.jccache import cached_by_slug
from openjobcenter.tenants.modules import require_module

log = logging.getLogger(__name__)

OUTBOX_PAGE = 20


@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    """``/.well-known/webfinger?resource=acct:<slug>@<host>`` for job centres with news."""
    resource = request.GET.get("resource", "")[:300]
    name = resource.removeprefix("acct:")
    slug, _, host = name.partition("@")
    if not resource.startswith("acct:") or host.lower() != federation.host().lower():
        raise Http404
    jobcenter = cached_by_slug(slug)
    if jobcenter is None or not modules.is_enabled(jobcenter, MODULE):
        raise Http404
    actor = federation.actor_url(jobcenter)
    doc = {
        "subject": f"acct:{jobcenter.slug}@{federation.host()}",
        "aliases": [actor],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": federation.site() + reverse("tenant:news", kwargs={"jc": jobcenter.slug}),
            },
        ],
    }
    response = JsonResponse(doc, content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_module(MODULE)
@require_safe
def actor(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    return activity_response(
        cached(request, "news:actor", "", lambda: json.dumps(federation.actor_document(jobcenter)))
    )


@require_module(MODULE)
@require_safe
def outbox(request: HttpRequest, jc: str) -> HttpResponse:
    """OrderedCollection of the Create activities, newest first, paged by ``?page=N``."""
    raw = request.GET.get("page", "")
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 10_000):
        raise Http404
    return activity_response(
        cached(request, "news:outbox", raw, lambda: json.dumps(_outbox(request, raw)))
    )


def _outbox(request: HttpRequest, raw: str) -> dict[str, object]:
    jobcenter = request_jobcenter(request)
    posts = selectors.visible_posts(jobcenter)
    url = federation.site() + reverse("tenant:news_outbox", kwargs={"jc": jobcenter.slug})
    if not raw:
        return {
            "@context": federation.AS_CONTEXT,
            "id": url,
            "type": "OrderedCollection",
            "totalItems": posts.count(),
            "first": f"{url}?page=1",
        }
    number = int(raw)
    start = (number - 1) * OUTBOX_PAGE
    chunk = list(posts[start : start + OUTBOX_PAGE + 1])
    doc: dict[str, object] = {
        "@context": federation.AS_CONTEXT,
        "id": f"{url}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "orderedItems": [federation.create_activity(p) for p in chunk[:OUTBOX_PAGE]],
    }
    if len(chunk) > OUTBOX_PAGE:
        doc["next"] = f"{url}?page={number + 1}"
    if number > 1:
        doc["prev"] = f"{url}?page={number - 1}"
    return doc


@require_module(MODULE)
@require_safe
def followers(request: HttpRequest, jc: str) -> HttpResponse:
    """Only the number: who follows a job centre is nobody else's business."""
    jobcenter = request_jobcenter(request)
    url = federation.site() + reverse("tenant:news_followers", kwargs={"jc": jobcenter.slug})
    return activity_response(
        {
            "@context": federation.AS_CONTEXT,
            "id": url,
            "type": "OrderedCollection",
            "totalItems": Follower.objects.filter(jobcenter=jobcenter).count(),
        }
    )


def _refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt
@require_module(MODULE)
@require_POST
def inbox(request: HttpRequest, jc: str) -> HttpResponse:
    """Deliveries from other servers. Unsigned, wrongly signed, stale, replayed, oversized
    or unknown actors' deliveries are refused with nothing stored."""
    jobcenter = request_jobcenter(request)
    if not news_conf()["federation"]:
        raise Http404
    limit = int(news_conf()["inbox_max_bytes"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refuse(400, "bad Content-Length")
    if length > limit:
        return _refuse(413, "too large")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _refuse(413, "too large")
    headers = {
        "host": request.META.get("HTTP_HOST", ""),
        "date": request.headers.get("Date", ""),
        "digest": request.headers.get("Digest", ""),
        "signature": request.headers.get("Signature", ""),
        "content-type": request.headers.get("Content-Type", ""),
    }
    try:
        delivery = federation.verify_delivery(
            jobcenter, method="POST", path=request.get_full_path(), headers=headers, body=body
        )
    except federation.DeliveryRefusedError as exc:
        log.info("news inbox of %s refused a delivery: %s", jobcenter.slug, exc.reason)
        return _refuse(exc.status, exc.reason)
    outcome = services.activity_receive(jobcenter=jobcenter, delivery=delivery)
    if outcome == "replay":
        return _refuse(409, "already received")
    return HttpResponse(status=202)
