"""The job centre's public video pages: library, player page, files, beacons."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.core.access import Perm, has_perm, request_jobcenter, staff_roles
from openjobcenter.tenants.modules import require_module
from openjobcenter.videos import beacons, media, peertube, selectors, services
from openjobcenter.videos.models import Video


def _preview(request: HttpRequest) -> bool:
    """The job centre's video admins see unpublished videos too (to check them)."""
    if not request.user.is_authenticated:
        return False
    roles = staff_roles(request.user, request_jobcenter(request))
    return has_perm(roles, Perm.VIDEOS_MANAGE)


def _video(request: HttpRequest, pk: int, *, files: bool = False) -> Video:
    """``files``: the player's files, which also serve the operator's default video of a
    help page (the DGS video every job centre shows, videos module or not)."""
    jobcenter = request_jobcenter(request)
    try:
        return selectors.get_video_for_viewer(jobcenter, pk, shared_default=files)
    except Http404:
        if not _preview(request):
            raise
        return selectors.get_video_for_viewer(jobcenter, pk, preview=True)


@require_module("videos")
@require_GET
def library(request: HttpRequest, jc: str) -> HttpResponse:
    return render(
        request,
        "videos/library.html",
        {"players": selectors.library(request_jobcenter(request))},
    )


@require_module("videos")
@require_GET
def video_page(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    video = _video(request, pk)
    variant = request.GET.get("fassung", "")
    player = selectors.player_video(video, variant_pk=int(variant) if variant.isdigit() else None)
    embed = peertube.embed_url(video.peertube_url, peertube.host_for(video.jobcenter))
    response = render(
        request,
        "videos/video.html",
        {"video": video, "player": player, "peertube_embed": embed},
    )
    return peertube.allow_frame(response, embed)


@require_GET  # module gate in _video: the shared default plays without it
def video_file(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    chosen = selectors.get_ready_variant(_video(request, pk, files=True), variant)
    # A streamed body (StreamingHttpResponse); the module gate's type wants HttpResponse.
    return cast("HttpResponse", media.serve(request, chosen.mp4_name, "video/mp4"))


@require_GET  # module gate in _video: the shared default plays without it
def video_webm(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    chosen = selectors.get_ready_variant(_video(request, pk, files=True), variant)
    if not chosen.webm_name:
        raise Http404
    return cast("HttpResponse", media.serve(request, chosen.webm_name, "video/webm"))


@require_GET  # module gate in _video: the shared default plays without it
def poster_file(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    chosen = selectors.get_ready_variant(_video(request, pk, files=True), variant)
    return cast("HttpResponse", media.serve(request, chosen.poster_name, "image/jpeg"))


@require_GET  # module gate in _video: the shared default plays without it
def captions_file(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    chosen = selectors.get_ready_variant(_video(request, pk, files=True), variant)
    if not chosen.captions:
        raise Http404
    response = HttpResponse(chosen.captions, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_module("videos")
@require_POST
def beacon(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """The player's progress events (started, 25/50/75/100 %): counted per video and
    day, nothing about the viewer is kept."""
    video = selectors.get_video_for_viewer(request_jobcenter(request), pk)
    event = request.POST.get("event", "")
    if event not in services.BEACON_FIELDS:
        return HttpResponse(status=400)
    if beacons.first_time(request, video_id=video.pk, event=event):
        services.beacon_record(video=video, event=event)
    # A repeat is answered the same way and not counted: nothing to learn from the answer.
    return HttpResponse(status=204)
