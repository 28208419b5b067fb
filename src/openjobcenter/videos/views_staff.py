"""Back office: the job-centre admin's videos, the shared library, the statistics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.tenants.modules import require_module
from openjobcenter.videos import peertube, selectors, services
from openjobcenter.videos.conf import conf
from openjobcenter.videos.errors import VideoInputError, message_for
from openjobcenter.videos.forms import (
    AttachmentForm,
    VariantTextsForm,
    VariantUploadForm,
    VideoForm,
    VideoSettingsForm,
)
from openjobcenter.videos.models import TargetKind, Video, VideoSettings, VideoVariant
from openjobcenter.videos.targets import target_choices, target_label


def _state(variant: VideoVariant) -> dict[str, Any]:
    return {
        "state": variant.state,
        "label": str(variant.get_state_display()),
        "progress": variant.progress,
        "error": message_for(variant.error_code) if variant.error_code else "",
        "retry": services.variant_can_retry(variant),
    }


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_http_methods(["GET", "POST"])
def video_list(request: HttpRequest, jc: str) -> HttpResponse:
    """The job centre's videos, and its rule "captions required" (POST)."""
    jobcenter = request_jobcenter(request)
    form = VideoSettingsForm(
        request.POST or None,
        initial={
            "captions_required": services.captions_required(jobcenter),
            "peertube_host": VideoSettings.objects.filter(jobcenter=jobcenter)
            .values_list("peertube_host", flat=True)
            .first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.video_settings_save(
            request=request,
            actor=request_user(request),
            jobcenter=jobcenter,
            captions_required=form.cleaned_data["captions_required"],
            peertube_host=form.cleaned_data["peertube_host"],
        )
        messages.success(request, _("Die Einstellungen wurden gespeichert."))
        return redirect("staff:videos", jc=jc)
    return render(
        request,
        "videos/staff_list.html",
        {"videos": selectors.admin_videos(jobcenter), "settings_form": form},
    )


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_http_methods(["GET", "POST"])
def video_new(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = VideoForm(request.POST or None, peertube_host=peertube.host_for(jobcenter))
    if request.method == "POST" and form.is_valid():
        video = services.video_save(
            request=request,
            actor=request_user(request),
            jobcenter=jobcenter,
            video=None,
            data={**form.german_data(), "translations": form.translations()},
        )
        messages.success(
            request, _("Das Video wurde angelegt. Laden Sie jetzt die Videodatei hoch.")
        )
        return redirect("staff:video", jc=jc, pk=video.pk)
    return render(
        request, "videos/staff_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail(
    request: HttpRequest,
    video: Video,
    *,
    form: VideoForm | None = None,
    upload: VariantUploadForm | None = None,
    attach: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    variants = list(VideoVariant.objects.filter(video_id=video.media_video_id))
    return render(
        request,
        "videos/staff_video.html",
        {
            "video": video,
            "form": form or VideoForm(instance=video),
            "peertube_host": peertube.host_for(jobcenter),
            "upload": upload or VariantUploadForm(),
            "attach": attach or AttachmentForm(choices=target_choices(jobcenter)),
            "variants": [(v, _state(v)) for v in variants],
            "attachments": [
                (a, target_label(jobcenter, a.target_kind, a.target_key))
                for a in video.attachments.all()
            ],
            "max_mb": conf()["max_upload_bytes"] // (1024 * 1024),
            "shared": video.adopted_from_id is not None,
        },
        status=status,
    )


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_http_methods(["GET", "POST"])
def video_detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    video = selectors.get_video_for_admin(jobcenter, pk)
    if request.method == "POST":
        form = VideoForm(request.POST, instance=video, peertube_host=peertube.host_for(jobcenter))
        if not form.is_valid():
            video.refresh_from_db()
            return _detail(request, video, form=form, status=400)
        try:
            services.video_save(
                request=request,
                actor=request_user(request),
                jobcenter=jobcenter,
                video=video,
                data={**form.german_data(), "translations": form.translations()},
            )
        except VideoInputError as exc:
            form.add_error(exc.field or None, exc.message)
            video.refresh_from_db()
            return _detail(request, video, form=form, status=400)
        messages.success(request, _("Die Angaben wurden gespeichert."))
        return redirect("staff:video", jc=jc, pk=pk)
    return _detail(request, video)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def video_delete(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    video = selectors.get_video_for_admin(request_jobcenter(request), pk)
    services.video_delete(request=request, actor=request_user(request), video=video)
    messages.success(request, _("Das Video wurde gelöscht."))
    return redirect("staff:videos", jc=jc)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def variant_upload(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    video = selectors.get_video_for_admin(request_jobcenter(request), pk)
    if video.adopted_from_id is not None:
        return _detail(request, video, status=400)
    form = VariantUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, video, upload=form, status=400)
    captions = ""
    if form.cleaned_data.get("captions_file"):
        raw = form.cleaned_data["captions_file"].read(600 * 1024)
        try:
            captions = raw.decode("utf-8")
        except UnicodeDecodeError:
            form.add_error(
                "captions_file",
                _("Die Untertitel-Datei ist keine WebVTT-Datei (kein UTF-8-Text)."),
            )
            return _detail(request, video, upload=form, status=400)
        from openjobcenter.videos.webvtt import WebVTTError, parse

        try:
            parse(captions)
        except WebVTTError as exc:
            form.add_error("captions_file", str(exc))
            return _detail(request, video, upload=form, status=400)
    try:
        variant = services.variant_upload(
            request=request,
            actor=request_user(request),
            video=video,
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            upload=form.cleaned_data["file"],
            with_captions=bool(captions),
        )
    except VideoInputError as exc:
        form.add_error(exc.field or "file", exc.message)
        return _detail(request, video, upload=form, status=400)
    if captions:
        services.variant_set_texts(
            request=request,
            actor=request_user(request),
            variant=variant,
            captions=captions,
            transcript=variant.transcript,
            chapters=variant.chapters,
        )
    messages.success(request, _("Die Datei wurde hochgeladen und wird jetzt umgewandelt."))
    return redirect("staff:video", jc=jc, pk=pk)


def _variant(request: HttpRequest, pk: int, variant: int) -> tuple[Video, VideoVariant]:
    video = selectors.get_video_for_admin(request_jobcenter(request), pk)
    return video, selectors.get_variant_for_admin(video, variant)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_GET
def variant_status(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    _video, chosen = _variant(request, pk, variant)
    response = JsonResponse(_state(chosen))
    response["Cache-Control"] = "no-store"
    return response


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def variant_retry(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    _video, chosen = _variant(request, pk, variant)
    if services.variant_retry(request=request, actor=request_user(request), variant=chosen):
        messages.success(request, _("Die Umwandlung wurde neu gestartet."))
    return redirect("staff:video", jc=jc, pk=pk)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def variant_delete(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    _video, chosen = _variant(request, pk, variant)  # 404 for a shared video's files
    services.variant_delete(request=request, actor=request_user(request), variant=chosen)
    messages.success(request, _("Die Fassung wurde gelöscht."))
    return redirect("staff:video", jc=jc, pk=pk)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_http_methods(["GET", "POST"])
def variant_texts(request: HttpRequest, jc: str, pk: int, variant: int) -> HttpResponse:
    video, chosen = _variant(request, pk, variant)
    initial = {
        "captions": chosen.captions,
        "transcript": chosen.transcript,
        "chapters": chosen.chapters,
    }
    form = VariantTextsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.variant_set_texts(
                request=request,
                actor=request_user(request),
                variant=chosen,
                captions=form.cleaned_data["captions"],
                transcript=form.cleaned_data["transcript"],
                chapters=form.cleaned_data["chapters"],
            )
        except VideoInputError as exc:
            form.add_error(exc.field or None, exc.message)
            status = 400
        else:
            messages.success(request, _("Untertitel, Transkript und Kapitel wurden gespeichert."))
            return redirect("staff:video", jc=jc, pk=pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "videos/staff_texts.html",
        {"video": video, "variant": chosen, "form": form},
        status=status,
    )


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def attachment_add(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    video = selectors.get_video_for_admin(jobcenter, pk)
    form = AttachmentForm(request.POST, choices=target_choices(jobcenter))
    if not form.is_valid():
        return _detail(request, video, attach=form, status=400)
    kind, key = form.target_pair()
    services.attachment_add(
        request=request,
        actor=request_user(request),
        jobcenter=jobcenter,
        video=video,
        target_kind=kind,
        target_key=key,
    )
    messages.success(request, _("Das Video erscheint jetzt an dieser Stelle."))
    return redirect("staff:video", jc=jc, pk=pk)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def attachment_remove(request: HttpRequest, jc: str, pk: int, attachment: int) -> HttpResponse:
    video = selectors.get_video_for_admin(request_jobcenter(request), pk)
    found = selectors.get_attachment_for_admin(video, attachment)
    services.attachment_remove(request=request, actor=request_user(request), attachment=found)
    messages.success(request, _("Das Video erscheint dort nicht mehr."))
    return redirect("staff:video", jc=jc, pk=pk)


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_GET
def shared_library(request: HttpRequest, jc: str) -> HttpResponse:
    return render(
        request,
        "videos/staff_shared.html",
        {"shared": selectors.shared_videos(request_jobcenter(request))},
    )


@require_module("videos")
@staff_required(Perm.VIDEOS_MANAGE)
@require_POST
def shared_adopt(request: HttpRequest, jc: str, shared: int) -> HttpResponse:
    video = services.video_adopt(
        request=request,
        actor=request_user(request),
        jobcenter=request_jobcenter(request),
        shared=selectors.get_shared_video(shared),
    )
    messages.success(
        request,
        _("Das Video ist jetzt in Ihrer Bibliothek. Passen Sie Titel und Beschreibung an."),
    )
    return redirect("staff:video", jc=jc, pk=video.pk)


@require_module("videos")
@staff_required(Perm.VIDEOS_STATS)
@require_GET
def stats(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    return render(
        request,
        "videos/staff_stats.html",
        {
            "rows": selectors.video_stats(jobcenter),
            "days": 90,
            "step_kind": TargetKind.APPLICATION_STEP,
        },
    )
