"""Forms of the videos admin pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n_forms import TranslationsFormMixin
from openjobcenter.videos import peertube
from openjobcenter.videos.models import VARIANT_LANGUAGES, TargetKind, VariantKind, Video

ACCEPT = "video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov,.m4v"


class VideoForm(TranslationsFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    translatable = ("title", "description")

    peertube_url = forms.URLField(
        label=_("PeerTube-Adresse"), required=False, max_length=300, assume_scheme="https"
    )

    class Meta:
        model = Video
        fields = ("title", "description", "published", "peertube_url")
        help_texts = {
            "peertube_url": _(
                "Nur Videos auf der PeerTube-Instanz Ihres Jobcenters; leer lassen, wenn Sie "
                "das Video hier hochladen."
            ),
        }

    def __init__(self, *args: Any, peertube_host: str = "", **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and "translations" not in kwargs:
            kwargs["translations"] = instance.translations
        super().__init__(*args, **kwargs)
        self.peertube_host = peertube_host

    def clean_peertube_url(self) -> str:
        url = str(self.cleaned_data.get("peertube_url") or "").strip()
        if not url:
            return ""
        host = self.peertube_host
        if not peertube.accepts(url, host):
            if not host:
                raise forms.ValidationError(
                    _(
                        "Ihr Jobcenter hat keine eigene PeerTube-Instanz eingetragen. Tragen "
                        "Sie sie unter „Einstellungen“ ein oder laden Sie das Video hoch."
                    )
                )
            raise forms.ValidationError(
                _("Erlaubt sind nur Videos der PeerTube-Instanz %(host)s.") % {"host": host}
            )
        if not peertube.embed_url(url, host):
            raise forms.ValidationError(_("Das ist keine Adresse eines PeerTube-Videos."))
        return url


class VariantUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Fassung"), choices=VariantKind.choices)
    language = forms.ChoiceField(label=_("Sprache"), choices=VARIANT_LANGUAGES, initial="de")
    file = forms.FileField(
        label=_("Videodatei (MP4, WebM oder MOV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    captions_file = forms.FileField(
        label=_("Untertitel (WebVTT-Datei)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,text/vtt"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == VariantKind.SIGN_LANGUAGE:
            data["language"] = "gsg"
        return data


class VariantTextsForm(forms.Form):
    captions = forms.CharField(
        label=_("Untertitel (WebVTT)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "code", "spellcheck": "false"}),
        help_text=_("Beginnt mit „WEBVTT“, dann je Untertitel: Zeitangabe, Text, Leerzeile."),
    )
    transcript = forms.CharField(
        label=_("Transkript"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    chapters = forms.CharField(
        label=_("Kapitel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ein Kapitel je Zeile, zum Beispiel „1:20 Unterlagen hochladen“."),
    )


class AttachmentForm(forms.Form):
    target = forms.ChoiceField(label=_("Wo soll das Video erscheinen?"))
    help_page = forms.SlugField(
        label=_("Hilfeseite (Kurzname, nur bei „Hilfeseite“)"), required=False, max_length=60
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)  # noqa: S101 - declared above
        target.choices = choices

    def target_pair(self) -> tuple[str, str]:
        kind, _sep, key = self.cleaned_data["target"].partition("|")
        if kind == TargetKind.HELP_PAGE:
            key = self.cleaned_data.get("help_page") or ""
        return kind, key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if str(data.get("target", "")).startswith(TargetKind.HELP_PAGE) and not data.get(
            "help_page"
        ):
            self.add_error("help_page", _("Bitte geben Sie den Kurznamen der Hilfeseite an."))
        return data


class VideoSettingsForm(forms.Form):
    captions_required = forms.BooleanField(
        label=_("Untertitel sind Pflicht"),
        required=False,
        help_text=_(
            "Dann lässt sich ein Video nur veröffentlichen, wenn jede Fassung mit Sprache "
            "Untertitel hat."
        ),
    )
    peertube_host = forms.CharField(
        label=_("Eigene PeerTube-Instanz"),
        required=False,
        max_length=120,
        help_text=_(
            "Nur der Name des Servers, z. B. videos.jobcenter-beispiel.de. Dann lassen sich "
            "Videos von dort einbinden, von keinem anderen Server."
        ),
    )

    def clean_peertube_host(self) -> str:
        host = str(self.cleaned_data.get("peertube_host") or "").strip().lower()
        if host.startswith("https://"):
            host = host.removeprefix("https://").rstrip("/")
        if host and not peertube.valid_host(host):
            raise forms.ValidationError(
                _("Bitte nur den Namen des Servers angeben, z. B. videos.jobcenter-beispiel.de.")
            )
        return host
