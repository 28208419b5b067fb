from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n import target_languages
from openjobcenter.core.content_i18n_forms import TranslationsFormMixin, language_name
from openjobcenter.core.inputs import day_validators
from openjobcenter.tenants import modules
from openjobcenter.tenants.colours import contrast_ratio
from openjobcenter.tenants.models import hex_colour, postcode_validator

LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


class BrandingForm(TranslationsFormMixin, forms.Form):
    translatable = ("intro",)

    primary_colour = forms.CharField(
        label=_("Hauptfarbe"),
        max_length=7,
        validators=[hex_colour],
        help_text=_("Hexadezimal, z. B. #1d4f91. Sie muss auf Weiß gut lesbar sein (4,5:1)."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG oder WebP, höchstens 512 KB."),
    )
    remove_logo = forms.BooleanField(label=_("Logo entfernen"), required=False)
    intro = forms.CharField(
        label=_("Begrüßungstext auf der Startseite"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_primary_colour(self) -> str:
        colour: str = self.cleaned_data["primary_colour"].lower()
        if contrast_ratio(colour, "#ffffff") < 4.5:
            raise forms.ValidationError(
                _("Diese Farbe ist auf Weiß zu schwach (Kontrast %(ratio).1f:1, nötig 4,5:1)."),
                params={"ratio": contrast_ratio(colour, "#ffffff")},
            )
        return colour

    def clean_logo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo")
        if upload is None:
            return None
        if upload.size is None or upload.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Das Logo ist zu groß (höchstens 512 KB)."))
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
                fmt = image.format or ""
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(_("Die Datei ist kein lesbares Bild.")) from None
        if fmt not in LOGO_FORMATS:
            raise forms.ValidationError(_("Bitte ein PNG-, JPEG- oder WebP-Bild hochladen."))
        upload.seek(0)
        return upload


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-Mail"), required=False)
    website = forms.URLField(label=_("Webseite"), required=False, assume_scheme="https")


class LegalForm(TranslationsFormMixin, forms.Form):
    translatable = ("imprint", "privacy", "accessibility")

    imprint = forms.CharField(
        label=_("Impressum"), required=False, max_length=20000, widget=forms.Textarea
    )
    privacy = forms.CharField(
        label=_("Datenschutzerklärung"), required=False, max_length=50000, widget=forms.Textarea
    )
    accessibility = forms.CharField(
        label=_("Erklärung zur Barrierefreiheit"),
        required=False,
        max_length=20000,
        widget=forms.Textarea,
    )
    accessibility_feedback_email = forms.EmailField(
        label=_("E-Mail für Rückmeldungen zur Barrierefreiheit"), required=False
    )
    easy_language = forms.CharField(
        label=_("Text in Leichter Sprache"),
        required=False,
        max_length=20000,
        widget=forms.Textarea,
        help_text=_(
            "Erklärt die Seite in Leichter Sprache. Leer: Es erscheint der Standardtext"
            " der Plattform."
        ),
    )


class ModulesForm(forms.Form):
    enabled_modules = forms.MultipleChoiceField(
        label=_("Eingeschaltete Module"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["enabled_modules"].choices = [  # type: ignore[attr-defined]
            (m.key, m.label) for m in modules.all_modules()
        ]


class OfficeForm(TranslationsFormMixin, forms.Form):
    translatable = ("opening_hours",)

    name = forms.CharField(label=_("Name"), max_length=200)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200)
    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("Ort"), max_length=100)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    opening_hours = forms.CharField(
        label=_("Öffnungszeiten"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eine Zeile je Zeitraum, z. B. Mo–Fr 8–12 Uhr"),
    )
    accessible_entrance = forms.BooleanField(label=_("Barrierefreier Zugang"), required=False)
    position = forms.IntegerField(label=_("Reihenfolge"), min_value=0, max_value=999, initial=0)


class LanguageReviewForm(forms.Form):
    """Record that the job centre's texts in one language were checked with a test group."""

    language = forms.ChoiceField(label=_("Sprache"))
    reviewer = forms.CharField(
        label=_("Geprüft von"),
        max_length=200,
        help_text=_("Zum Beispiel: Prüfgruppe der Lebenshilfe Fulda"),
    )
    group = forms.CharField(
        label=_("Prüfgruppe"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wer hat gelesen? Zum Beispiel: fünf Menschen mit Lernschwierigkeiten."),
    )
    scope = forms.CharField(
        label=_("Geprüfte Texte"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel: Seite in Leichter Sprache, Terminarten, Hilfetexte."),
    )
    reviewed_on = forms.DateField(
        label=_("Geprüft am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=day_validators(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code)) for code in target_languages()
        ]

    def clean_reviewed_on(self) -> date:
        day: date = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Das Datum darf nicht in der Zukunft liegen."))
        return day
