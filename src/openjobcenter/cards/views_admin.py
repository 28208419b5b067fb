"""The job-centre admin's page "Kundenkarte und Wallet" under /<jc>/staff/kundenkarte/:
the Apple pass certificate (upload with password, validity, expiry warning, remove) and
the Google Wallet issuer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from openjobcenter.cards import selectors, services_wallet
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.tenants.modules import is_enabled


class CertificateForm(forms.Form):
    certificate = forms.FileField(
        label=gettext_lazy("Pass-Zertifikat (.p12)"),
        help_text=gettext_lazy(
            "Das Zertifikat für Apple Wallet mit privatem Schlüssel, exportiert als .p12-Datei."
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Passwort der .p12-Datei"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
    )
    wwdr = forms.FileField(
        label=gettext_lazy("Apple-Zwischenzertifikat (WWDR)"),
        help_text=gettext_lazy("Nur nötig, wenn es nicht in der .p12-Datei enthalten ist."),
        required=False,
    )
    pass_type_identifier = forms.CharField(
        label=gettext_lazy("Pass Type ID"),
        help_text=gettext_lazy("Leer lassen: wird aus dem Zertifikat gelesen."),
        required=False,
        max_length=200,
    )
    team_identifier = forms.CharField(
        label=gettext_lazy("Team ID"),
        help_text=gettext_lazy("Leer lassen: wird aus dem Zertifikat gelesen."),
        required=False,
        max_length=20,
    )


class GoogleForm(forms.Form):
    issuer_id = forms.CharField(label=gettext_lazy("Aussteller-ID (Google Wallet)"), max_length=40)
    service_account = forms.FileField(
        label=gettext_lazy("Schlüssel des Dienstkontos (JSON)"),
    )


def _read(upload: object) -> bytes:
    if upload is None:
        return b""
    size = getattr(upload, "size", 0) or 0
    if size > services_wallet.MAX_UPLOAD:
        raise ValidationError({"certificate": _("Die Datei ist zu groß für ein Zertifikat.")})
    return bytes(upload.read())  # type: ignore[attr-defined]


def _apply(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@require_http_methods(["GET", "POST"])
@staff_required(Perm.JOBCENTER_CONFIGURE)
def wallet_settings(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    user = request_user(request)
    cert_form = CertificateForm()
    google_form = GoogleForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "certificate":
            cert_form = CertificateForm(request.POST, request.FILES)
            if cert_form.is_valid():
                try:
                    services_wallet.wallet_certificate_set(
                        jobcenter=jobcenter,
                        actor=user,
                        data=_read(cert_form.cleaned_data["certificate"]),
                        password=cert_form.cleaned_data["password"] or "",
                        wwdr=_read(cert_form.cleaned_data.get("wwdr")),
                        pass_type_identifier=cert_form.cleaned_data["pass_type_identifier"],
                        team_identifier=cert_form.cleaned_data["team_identifier"],
                        request=request,
                    )
                except ValidationError as exc:
                    _apply(cert_form, exc)
                else:
                    messages.success(request, _("Das Pass-Zertifikat ist gespeichert."))
                    return redirect("staff:card_settings", jc=jc)
            status = 400
        elif action == "remove":
            services_wallet.wallet_certificate_remove(
                jobcenter=jobcenter, actor=user, request=request
            )
            messages.success(request, _("Das Pass-Zertifikat ist entfernt."))
            return redirect("staff:card_settings", jc=jc)
        elif action == "google":
            google_form = GoogleForm(request.POST, request.FILES)
            if google_form.is_valid():
                try:
                    services_wallet.wallet_google_set(
                        jobcenter=jobcenter,
                        actor=user,
                        issuer_id=google_form.cleaned_data["issuer_id"],
                        service_account_json=_read(google_form.cleaned_data["service_account"]),
                        request=request,
                    )
                except ValidationError as exc:
                    _apply(google_form, exc)
                else:
                    messages.success(request, _("Google Wallet ist eingerichtet."))
                    return redirect("staff:card_settings", jc=jc)
            status = 400
        else:
            status = 400
    config = selectors.wallet_settings(jobcenter)
    return render(
        request,
        "cards/admin_settings.html",
        {
            "config": config,
            "state": services_wallet.expiry_state(config),
            "module_on": is_enabled(jobcenter, "customer_card"),
            "cert_form": cert_form,
            "google_form": google_form,
        },
        status=status,
    )
