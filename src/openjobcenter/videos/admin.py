"""The operator's shared library in Django's admin (audited by ``core.admin_site``).

A shared video is a ``Video`` without a job centre; its file is uploaded here through
the same service as a job centre's (ffprobe check, storage, conversion task), and each
job centre adopts it on its page "Gemeinsame Bibliothek".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.access import request_user
from openjobcenter.core.admin import MissingTranslationsColumn
from openjobcenter.videos import services
from openjobcenter.videos.errors import VideoInputError
from openjobcenter.videos.forms import ACCEPT
from openjobcenter.videos.models import VARIANT_LANGUAGES, VariantKind, Video, VideoVariant
from openjobcenter.videos.webvtt import WebVTTError, parse


class SharedVideoForm(forms.ModelForm):  # type: ignore[type-arg]
    upload = forms.FileField(
        label=_("Videodatei (MP4, WebM oder MOV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    kind = forms.ChoiceField(label=_("Fassung"), choices=VariantKind.choices)
    language = forms.ChoiceField(label=_("Sprache"), choices=VARIANT_LANGUAGES, initial="de")
    captions = forms.CharField(
        label=_("Untertitel (WebVTT)"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = Video
        fields = ("title", "translations", "description", "published", "default_help_page")

    def clean_captions(self) -> str:
        text = str(self.cleaned_data.get("captions") or "")
        if text.strip():
            try:
                parse(text)
            except WebVTTError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return text


class VariantInline(admin.TabularInline[VideoVariant, Video]):
    model = VideoVariant
    extra = 0
    can_delete = True
    fields = ("kind", "language", "state", "progress", "duration_s", "error_code")
    readonly_fields = fields


@admin.register(Video)
class SharedVideoAdmin(MissingTranslationsColumn, admin.ModelAdmin[Video]):
    form = SharedVideoForm
    translated_fields = ("title",)
    list_display = (
        "title",
        "published",
        "default_help_page",
        "updated_at",
        "missing_translations",
    )
    inlines = (VariantInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Video]:
        return super().get_queryset(request).filter(jobcenter__isnull=True)

    def delete_model(self, request: HttpRequest, obj: Video) -> None:
        # Through the service: the files leave the storage too (after the commit).
        services.video_delete(request=request, actor=request_user(request), video=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        for video in queryset:
            self.delete_model(request, video)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # A variant removed in the inline goes through the service (audited, its files
        # deleted after the commit), never as a bare row delete that leaves files behind.
        formset.save(commit=False)
        for variant in formset.deleted_objects:
            services.variant_delete(request=request, actor=request_user(request), variant=variant)

    def save_model(self, request: HttpRequest, obj: Video, form: Any, change: bool) -> None:
        obj.jobcenter = None
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("upload")
        if upload is None:
            return
        try:
            variant = services.variant_upload(
                request=request,
                actor=request_user(request),
                video=obj,
                kind=form.cleaned_data["kind"],
                language=form.cleaned_data["language"],
                upload=upload,
            )
        except VideoInputError as exc:
            messages.error(request, exc.message)
            return
        if form.cleaned_data.get("captions", "").strip():
            services.variant_set_texts(
                request=request,
                actor=request_user(request),
                variant=variant,
                captions=form.cleaned_data["captions"],
                transcript=variant.transcript,
                chapters=variant.chapters,
            )
