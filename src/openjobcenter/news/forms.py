"""The staff's post form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n_forms import TranslationsFormMixin
from openjobcenter.news import images
from openjobcenter.news.conf import news_conf

_TAG = re.compile(r"<\s*[A-Za-z!/?]")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class PostForm(TranslationsFormMixin, forms.Form):
    translatable = ("text", "image_alt")
    translation_fields_later = True  # the text's length limit is set in __init__

    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Reiner Text; Internetadressen werden zu Links. Höchstens 500 Zeichen."),
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    image = forms.FileField(
        label=_("Bild"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP oder GIF. Bildinformationen wie der Aufnahmeort werden entfernt."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    image_alt = forms.CharField(
        label=_("Bildbeschreibung (Alternativtext)"),
        required=False,
        max_length=300,
        help_text=_(
            "Pflicht bei einem Bild: Was ist darauf zu sehen? Für Menschen, die es nicht sehen."
        ),
    )
    drop_image = forms.BooleanField(label=_("Bild entfernen"), required=False)
    published_at = forms.DateTimeField(
        label=_("Veröffentlichen am"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leer: sofort."),
    )
    expires_at = forms.DateTimeField(
        label=_("Sichtbar bis"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leer: ohne Ablauf."),
    )

    def __init__(self, *args: Any, has_image: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        self.clean_image_value: images.CleanImage | None = None
        max_length = int(news_conf()["text_max_length"])
        self.fields["text"].max_length = max_length  # type: ignore[attr-defined]
        self.fields["text"].validators.append(forms.CharField(max_length=max_length).validators[0])
        self.fields["text"].widget.attrs["maxlength"] = str(max_length)
        if not has_image:
            del self.fields["drop_image"]
        self.add_translation_fields()

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).replace("\r\n", "\n").strip()
        if _TAG.search(text):
            raise forms.ValidationError(
                _("Bitte schreiben Sie reinen Text ohne HTML-Auszeichnungen wie <b> oder <script>.")
            )
        return text

    def clean_image(self) -> images.CleanImage | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            self.clean_image_value = images.clean_image(upload)
        except images.ImageRefusedError as exc:
            raise forms.ValidationError(str(exc)) from None
        return self.clean_image_value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        keeps_image = self.has_image and not data.get("drop_image")
        alt = str(data.get("image_alt") or "").strip()
        data["image_alt"] = alt
        if (data.get("image") or keeps_image) and not alt and "image" not in self.errors:
            self.add_error(
                "image_alt",
                _(
                    "Bitte beschreiben Sie das Bild in Worten (Alternativtext). Ohne Beschreibung ist es für blinde Menschen nicht zugänglich."
                ),
            )
        published = data.get("published_at") or timezone.now()
        data["published_at"] = published
        expires = data.get("expires_at")
        if expires is not None and expires <= published:
            self.add_error("expires_at", _("Das Ende muss nach der Veröffentlichung liegen."))
        return data
