"""The customer's side after the BundID answered: confirm a new account or link an
existing one (never silently), the page "Meine BundID" with corrections, the refusal
page of an action that needs a higher level; and the admin's settings page."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.contrib import auth, messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.bundid import policy, saml, services
from openjobcenter.bundid.attributes import LABELS, Verified
from openjobcenter.bundid.forms import CorrectionForm, CreateForm, PasswordLinkForm, SettingsForm
from openjobcenter.bundid.levels import EXPLANATIONS, Level, parse
from openjobcenter.bundid.models import BundIDIdentity
from openjobcenter.bundid.policy import ACTIONS
from openjobcenter.bundid.views_saml import PENDING, error_page, safe_next
from openjobcenter.core.access import (
    Perm,
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
    staff_required,
)
from openjobcenter.core.mail import send_after_commit

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

PENDING_FOR = 30 * 60  # seconds a confirmed login waits for the customer's decision
LINK_SALT = "bundid-link"
LINK_MAX_AGE = 60 * 60
FAILED_KEY = "bundid_password_failures"
MAX_FAILURES = 5


def _pending(request: HttpRequest, jobcenter: Jobcenter) -> tuple[Verified, Level, str] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or data.get("jc") != jobcenter.slug:
        return None
    if time.time() - float(data.get("at") or 0) > PENDING_FOR:
        return None
    level = parse(data.get("level"))
    if level is None:
        return None
    verified = Verified(subject=str(data["subject"]), values=dict(data.get("values") or {}))
    return verified, level, str(data.get("next") or "")


def _rows(values: dict[str, str]) -> list[tuple[str, str]]:
    return [(str(LABELS[k]), v) for k, v in values.items() if k in LABELS]


def _finish(
    request: HttpRequest, jobcenter: Jobcenter, user: User, level: Level, nxt: str
) -> HttpResponse:
    request.session.pop(PENDING, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    policy.remember_level(request, jobcenter, level)
    messages.success(request, _("Ihre BundID ist mit Ihrem Konto verbunden."))
    return redirect(safe_next(request, jobcenter, nxt))


def _no_pending(request: HttpRequest, jobcenter: Jobcenter) -> HttpResponse:
    return error_page(
        request,
        jobcenter,
        _(
            "Es gibt keine laufende Anmeldung mit BundID, oder sie ist abgelaufen. Bitte "
            "melden Sie sich noch einmal an."
        ),
        400,
    )


def _link_with_password(
    request: HttpRequest,
    jobcenter: Jobcenter,
    form: PasswordLinkForm,
    verified: Verified,
    level: Level,
) -> User | None:
    """The existing account whose password was given, linked; None with the form's errors."""
    failures = int(request.session.get(FAILED_KEY) or 0)
    if not form.is_valid():
        return None
    if failures >= MAX_FAILURES:
        request.session[FAILED_KEY] = failures + 1
        form.add_error(
            None, _("Zu viele falsche Versuche. Lassen Sie sich stattdessen einen Link schicken.")
        )
        return None
    user = auth.authenticate(
        request, username=form.cleaned_data["email"], password=form.cleaned_data["password"]
    )
    if not isinstance(user, User):
        request.session[FAILED_KEY] = failures + 1
        form.add_error(None, _("E-Mail-Adresse oder Passwort sind nicht richtig."))
        return None
    try:
        services.identity_link(
            request=request,
            user=user,
            jobcenter=jobcenter,
            verified=verified,
            level=level,
            via="password",
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None
    request.session.pop(FAILED_KEY, None)
    return user


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, jc: str) -> HttpResponse:
    """After the first login with an unknown BundID: create an account from the confirmed
    attributes (with the terms) or link an existing one with its password or by a link
    sent to its address."""
    jobcenter = request_jobcenter(request)
    pending = _pending(request, jobcenter)
    if pending is None:
        return _no_pending(request, jobcenter)
    verified, level, nxt = pending
    bundid_email = verified.values.get("email", "")
    existing = User.objects.filter(email__iexact=bundid_email).first() if bundid_email else None
    existing_here = (
        existing is not None
        and CustomerProfile.objects.filter(user=existing, jobcenter=jobcenter).exists()
    )
    create_form = CreateForm(initial={"email": bundid_email}, prefix="create")
    password_form = PasswordLinkForm(initial={"email": bundid_email}, prefix="link")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create" and existing is None:
            create_form = CreateForm(request.POST, prefix="create")
            if create_form.is_valid():
                try:
                    identity = services.customer_create(
                        request=request,
                        jobcenter=jobcenter,
                        verified=verified,
                        level=level,
                        email=create_form.cleaned_data["email"],
                    )
                except ValidationError as exc:
                    for field, errs in exc.message_dict.items():
                        create_form.add_error(field if field in create_form.fields else None, errs)
                else:
                    return _finish(request, jobcenter, identity.user, level, nxt)
            status = 400
        elif action == "password":
            password_form = PasswordLinkForm(request.POST, prefix="link")
            linked = _link_with_password(request, jobcenter, password_form, verified, level)
            if linked is not None:
                return _finish(request, jobcenter, linked, level, nxt)
            status = 429 if int(request.session.get(FAILED_KEY) or 0) > MAX_FAILURES else 400
        elif action == "email" and existing is not None and existing_here:
            token = signing.dumps(
                {
                    "u": existing.pk,
                    "s": services.subject_hash(verified.subject),
                    "jc": jobcenter.slug,
                },
                salt=LINK_SALT,
            )
            url = request.build_absolute_uri(
                reverse("tenant:bundid_link", kwargs={"jc": jobcenter.slug, "key": token})
            )
            body = render_to_string(
                "bundid/link_mail.txt", {"jobcenter": jobcenter, "url": url}, request=request
            )
            send_after_commit(
                EmailMessage(_("BundID mit Ihrem Konto verbinden"), body, to=[existing.email])
            )
            return render(
                request, "bundid/link_sent.html", {"jobcenter": jobcenter, "email": existing.email}
            )
        else:
            status = 400
    return render(
        request,
        "bundid/confirm.html",
        {
            "jobcenter": jobcenter,
            "rows": _rows(verified.values),
            "level": level,
            "level_explanation": EXPLANATIONS[level],
            "existing": existing is not None,
            "existing_here": existing_here,
            "create_form": create_form,
            "password_form": password_form,
            "bundid_email": bundid_email,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, jc: str, key: str) -> HttpResponse:
    """The link from the mail: shows what will be linked; the POST links (a mail
    scanner that opens the link changes nothing)."""
    jobcenter = request_jobcenter(request)
    try:
        data = signing.loads(key, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return error_page(request, jobcenter, _("Der Link ist ungültig oder abgelaufen."), 400)
    pending = _pending(request, jobcenter)
    if pending is None or data.get("jc") != jobcenter.slug:
        return _no_pending(request, jobcenter)
    verified, level, nxt = pending
    if data.get("s") != services.subject_hash(verified.subject):
        return _no_pending(request, jobcenter)
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        return error_page(request, jobcenter, _("Der Link ist ungültig oder abgelaufen."), 400)
    if request.method == "POST":
        try:
            services.identity_link(
                request=request,
                user=user,
                jobcenter=jobcenter,
                verified=verified,
                level=level,
                via="email",
            )
        except ValidationError as exc:
            return error_page(request, jobcenter, " ".join(exc.messages), 409)
        return _finish(request, jobcenter, user, level, nxt)
    return render(
        request,
        "bundid/link_confirm.html",
        {"jobcenter": jobcenter, "rows": _rows(verified.values), "email": user.email},
    )


@customer_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_bundid(request: HttpRequest, jc: str) -> HttpResponse:
    """ "Meine BundID": the linked identity, its level, the confirmed values ("aus BundID,
    bestätigt") with the customer's corrections, and a form to correct one."""
    customer = request_customer(request)
    jobcenter = customer.jobcenter
    identity = (
        BundIDIdentity.objects.filter(jobcenter=jobcenter, user_id=customer.user_id)
        .prefetch_related("corrections")
        .first()
    )
    form = CorrectionForm(prefix="fix")
    status = 200
    if request.method == "POST":
        if identity is None:
            return error_page(
                request, jobcenter, _("Ihr Konto ist mit keiner BundID verbunden."), 400
            )
        form = CorrectionForm(request.POST, prefix="fix")
        if form.is_valid():
            try:
                services.correction_add(
                    request=request,
                    identity=identity,
                    field=form.cleaned_data["field"],
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("Ihre Berichtigung ist gespeichert."))
                return redirect("customer:bundid", jc=jobcenter.slug)
        status = 400
    rows = []
    if identity is not None:
        for key, (value, corrected) in services.current_values(identity).items():
            if key in LABELS:
                rows.append({"label": LABELS[key], "value": value, "corrected": corrected})
    level = parse(identity.level) if identity else None
    session_level = policy.session_level(request, jobcenter)
    offered = services.settings_enabled(jobcenter)
    return render(
        request,
        "bundid/my_bundid.html",
        {
            "jobcenter": jobcenter,
            "identity": identity,
            "rows": rows,
            "corrections": list(identity.corrections.all()) if identity else [],
            "labels": {k: str(v) for k, v in LABELS.items()},
            "level": level,
            "session_level": session_level,
            "form": form,
            "offered": offered,
            "login_url": reverse("tenant:bundid_login", kwargs={"jc": jobcenter.slug})
            + "?next="
            + reverse("customer:bundid", kwargs={"jc": jobcenter.slug}),
        },
        status=status,
    )


def level_required_page(
    request: HttpRequest, jobcenter: Jobcenter, action: str, level: Level
) -> HttpResponse:
    """The refusal of an action that needs a higher identity level than this session's."""
    return render(
        request,
        "bundid/level_required.html",
        {
            "jobcenter": jobcenter,
            "action": ACTIONS.get(action, action),
            "level": level,
            "level_explanation": EXPLANATIONS[level],
            "session_level": policy.session_level(request, jobcenter),
            "login_url": reverse("tenant:bundid_login", kwargs={"jc": jobcenter.slug})
            + f"?niveau={int(level)}&next="
            + request.get_full_path(),
        },
        status=403,
    )


@staff_required(Perm.JOBCENTER_CONFIGURE)
@never_cache
@require_http_methods(["GET", "POST"])
def staff_settings(request: HttpRequest, jc: str) -> HttpResponse:
    """The admin's page: the identity provider (BundID or broker), our entity id, the
    minimum level per action; shows our metadata and ACS addresses for the broker."""
    jobcenter = request_jobcenter(request)
    config = services.settings_for(jobcenter)
    initial: dict[str, Any] = {
        "enabled": config.enabled,
        "idp_metadata_xml": config.idp_metadata_xml,
        "sp_entity_id": config.sp_entity_id,
    }
    for key in ACTIONS:
        initial[f"level_{key}"] = (config.min_levels or {}).get(key)
    form = SettingsForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.settings_save(
                    request=request,
                    actor=request_user(request),
                    jobcenter=jobcenter,
                    enabled=bool(data["enabled"]),
                    idp_metadata_xml=data["idp_metadata_xml"] or "",
                    sp_entity_id=data["sp_entity_id"] or "",
                    min_levels={key: data.get(f"level_{key}") for key in ACTIONS},
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("Die Einstellungen zur BundID sind gespeichert."))
                return redirect("staff:bundid_settings", jc=jobcenter.slug)
        status = 400
    return render(
        request,
        "bundid/staff_settings.html",
        {
            "jobcenter": jobcenter,
            "form": form,
            "config": config,
            "entity_id": saml.sp_entity_id(jobcenter, config),
            "metadata_url": request.build_absolute_uri(
                reverse("tenant:bundid_metadata", kwargs={"jc": jobcenter.slug})
            ),
            "acs_url": saml.acs_url(jobcenter),
        },
        status=status,
    )
