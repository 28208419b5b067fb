from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openjobcenter.feedback import pages


class TextChangeForm(forms.Form):
    page = forms.CharField(
        label=_("Seite (Name der Seite, z. B. customer:application_step)"), max_length=100
    )
    form_key = forms.CharField(label=_("Formular"), max_length=60, required=False)
    step_key = forms.CharField(label=_("Schritt"), max_length=60, required=False)
    changed_on = forms.DateField(
        label=_("Geändert am"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(label=_("Was wurde geändert?"), max_length=300)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        ref = pages.PageRef(
            str(data.get("page", "")), str(data.get("form_key", "")), str(data.get("step_key", ""))
        )
        if data.get("page") and not pages.valid(ref, staff=pages.is_staff_page(ref.page)):
            self.add_error("page", _("Diese Seite (oder dieser Schritt) ist nicht bekannt."))
        return data


class InviteForm(forms.Form):
    path = forms.CharField(
        label=_(
            "Welche Seite soll das Panel ausprobieren? (Adresse ab /, z. B. /fulda/vorabcheck/)"
        ),
        max_length=300,
    )
    message = forms.CharField(
        label=_("Nachricht an das Panel"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Die Nachricht steht nur auf der Seite „Mitmachen“ der Teilnehmenden. Die "
            "Benachrichtigung selbst sagt nur, dass eine Einladung wartet."
        ),
    )

    def __init__(self, *args: object, jc_slug: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.jc_slug = jc_slug
        self.page_name = ""

    def clean_path(self) -> str:
        from django.urls import Resolver404, resolve

        path = str(self.cleaned_data["path"]).strip()
        try:
            match = resolve(path) if path.startswith("/") and "//" not in path else None
        except Resolver404:
            match = None
        page = f"{match.namespace}:{match.url_name}" if match and match.url_name else ""
        if (
            match is None
            or match.kwargs.get("jc") != self.jc_slug
            or page not in pages.known_pages()
            or pages.is_staff_page(page)
        ):
            raise forms.ValidationError(
                _("Bitte geben Sie die Adresse einer Kundenseite Ihres Jobcenters an.")
            )
        self.page_name = page
        return path


class PanelConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "Ja, ich möchte beim Mitmachen-Panel dabei sein. Das Jobcenter darf mich "
            "einladen, neue Seiten auszuprobieren und an Workshops teilzunehmen."
        ),
        error_messages={"required": _("Bitte bestätigen Sie Ihre Einwilligung.")},
    )
