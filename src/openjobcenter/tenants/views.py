"""Back office: a job-centre admin maintains their own job centre."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.accounts.models import User
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.content_i18n_forms import TranslationsFormMixin, language_name
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.tenants.forms import (
    BrandingForm,
    ContactForm,
    LanguageReviewForm,
    LegalForm,
    ModulesForm,
    OfficeForm,
)
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.selectors import get_office_for, language_reviews_of
from openjobcenter.tenants.services import (
    jobcenter_set_logo,
    jobcenter_set_modules,
    jobcenter_update,
    language_review_delete,
    language_review_save,
    office_delete,
    office_save,
)

# Settings → "Geprüft": the test-group reviews per language.
REVIEWS = "pruefung"
SECTIONS = {
    "branding": (BrandingForm, ("primary_colour", "intro")),
    "contact": (ContactForm, ("phone", "email", "website")),
    "legal": (
        LegalForm,
        ("imprint", "privacy", "accessibility", "accessibility_feedback_email", "easy_language"),
    ),
}


def _ctx(request: HttpRequest) -> tuple[Jobcenter, User]:
    return request_jobcenter(request), request_user(request)


@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_section(request: HttpRequest, jc: str, section: str) -> HttpResponse:
    jobcenter, user = _ctx(request)
    if section == "modules":
        return _modules(request, jobcenter, user)
    if section == REVIEWS:
        return _reviews(request, jobcenter, user)
    if section not in SECTIONS:
        raise Http404
    form_class, fields = SECTIONS[section]
    initial = {f: getattr(jobcenter, f) for f in fields}
    translations = (
        {"translations": jobcenter.translations}
        if issubclass(form_class, TranslationsFormMixin)
        else {}
    )
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, initial=initial, **translations)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in fields}
            if isinstance(form, TranslationsFormMixin):
                data["translations"] = form.translations()
            jobcenter_update(request=request, actor=user, jobcenter=jobcenter, data=data)
            if section == "branding" and (
                form.cleaned_data.get("logo") or form.cleaned_data.get("remove_logo")
            ):
                jobcenter_set_logo(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    upload=form.cleaned_data.get("logo"),
                )
            messages.success(request, _("Die Einstellungen wurden gespeichert."))
            return redirect("staff:settings", jc=jc, section=section)
    else:
        form = form_class(initial=initial, **translations)
    status = 400 if form.errors else 200
    return render(
        request, "tenants/staff_settings.html", {"form": form, "section": section}, status=status
    )


def _reviews(request: HttpRequest, jobcenter: Jobcenter, user: User) -> HttpResponse:
    """Which languages' texts were checked with a test group ("geprüft", issue 23.1)."""
    form = LanguageReviewForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None,
        initial={"language": EASY_GERMAN},
    )
    if request.method == "POST":
        if "remove" in request.POST:
            language_review_delete(
                request=request,
                actor=user,
                jobcenter=jobcenter,
                language=str(request.POST.get("remove", "")),
            )
            messages.success(request, _("Der Eintrag wurde gelöscht."))
            return redirect("staff:settings", jc=jobcenter.slug, section=REVIEWS)
        if form.is_valid():
            language_review_save(
                request=request, actor=user, jobcenter=jobcenter, **form.cleaned_data
            )
            messages.success(request, _("Die Prüfung wurde eingetragen."))
            return redirect("staff:settings", jc=jobcenter.slug, section=REVIEWS)
    reviews = [(r, language_name(r.language)) for r in language_reviews_of(jobcenter)]
    return render(
        request,
        "tenants/staff_reviews.html",
        {"form": form, "section": REVIEWS, "reviews": reviews},
        status=400 if form.errors else 200,
    )


def _modules(request: HttpRequest, jobcenter: Jobcenter, user: User) -> HttpResponse:
    initial = {"enabled_modules": jobcenter.enabled_modules}
    form = ModulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        jobcenter_set_modules(
            request=request,
            actor=user,
            jobcenter=jobcenter,
            keys=form.cleaned_data["enabled_modules"],
        )
        messages.success(request, _("Die Einstellungen wurden gespeichert."))
        return redirect("staff:settings", jc=jobcenter.slug, section="modules")
    return render(request, "tenants/staff_settings.html", {"form": form, "section": "modules"})


@staff_required(Perm.JOBCENTER_CONFIGURE)
def offices(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, _user = _ctx(request)
    return render(request, "tenants/staff_offices.html", {"offices": jobcenter.offices.all()})


@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest, jc: str, pk: int | None = None) -> HttpResponse:
    jobcenter, user = _ctx(request)
    office = get_office_for(jobcenter, pk) if pk is not None else None
    initial = {f: getattr(office, f) for f in OfficeForm.base_fields} if office else {"position": 0}
    form = OfficeForm(
        request.POST or None,
        initial=initial,
        translations=office.translations if office else {},
    )
    if request.method == "POST" and form.is_valid():
        office_save(
            request=request,
            actor=user,
            jobcenter=jobcenter,
            office=office,
            data={**form.german_data(), "translations": form.translations()},
        )
        messages.success(request, _("Der Standort wurde gespeichert."))
        return redirect("staff:offices", jc=jc)
    return render(request, "tenants/staff_office_edit.html", {"form": form, "office": office})


@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_POST
def office_remove(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = _ctx(request)
    office_delete(request=request, actor=user, office=get_office_for(jobcenter, pk))
    messages.success(request, _("Der Standort wurde gelöscht."))
    return redirect("staff:offices", jc=jc)
