"""Customer area and the people parts of the back office."""

from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.accounts.forms import (
    ApiTokenForm,
    MembershipForm,
    ProfileForm,
)
from openjobcenter.accounts.models import ApiToken, CustomerProfile, Role
from openjobcenter.accounts.selectors import (
    customers_of,
    get_membership_for,
    memberships_of,
    staff_jobcenters,
)
from openjobcenter.accounts.services import (
    api_token_create,
    api_token_revoke,
    customer_profile_update,
    staff_membership_grant,
    staff_membership_revoke,
)
from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.bundid import policy as bundid_policy
from openjobcenter.core.access import (
    Perm,
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.core.models import AuditAction

_user = request_user


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each person where they work or where their business is."""
    user = _user(request)
    jobcenters = list(staff_jobcenters(user.pk))
    if len(jobcenters) == 1:
        return redirect("staff:dashboard", jc=jobcenters[0].slug)
    if jobcenters:
        return render(request, "accounts/choose_jobcenter.html", {"jobcenters": jobcenters})
    profile = CustomerProfile.objects.filter(user=user).select_related("jobcenter").first()
    if profile is not None:
        return redirect("customer:home", jc=profile.jobcenter.slug)
    if user.is_staff:  # the operator: the admin asks for the second factor itself
        return redirect("admin:index")
    return redirect("web:landing")


@customer_required
@require_http_methods(["GET", "POST"])
def customer_profile(request: HttpRequest, jc: str) -> HttpResponse:
    profile = request_customer(request)
    user = profile.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "street": profile.street,
        "postcode": profile.postcode,
        "city": profile.city,
        "phone": profile.phone,
        "contact_channel": profile.contact_channel,
        "preferred_language": user.preferred_language,
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, initial=initial)
        if form.is_valid() and bundid_guard.address_changes(profile, form.cleaned_data):
            # The job centre may require a BundID login of some level to change it.
            refused = bundid_guard.refusal_page(request, profile.jobcenter, bundid_policy.ADDRESS)
            if refused is not None:
                return refused
        if form.is_valid():
            try:
                changed = customer_profile_update(
                    request=request, actor=user, profile=profile, data=form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if changed:
                    messages.success(request, _("Ihre Angaben wurden gespeichert."))
                else:
                    messages.info(request, _("Es gab keine Änderungen."))
                return redirect("customer:profile", jc=jc)
    else:
        form = ProfileForm(initial=initial)
        audit_own_read(
            request=request,
            user=user,
            object_type="customer_profile",
            object_id=profile.pk,
            jobcenter=profile.jobcenter,
        )
    return render(request, "accounts/customer_profile.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    new_key: str | None = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        revoke = request.POST.get("revoke", "")
        if revoke:
            if revoke.isdigit() and api_token_revoke(user=user, token_id=int(revoke)):
                messages.success(request, _("Der Schlüssel wurde gesperrt."))
            return redirect("accounts:api_tokens")
        if form.is_valid():
            _token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


# --- Back office: customers -----------------------------------------------------------


@staff_required(Perm.CUSTOMERS_VIEW)
def staff_customers(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    query = request.GET.get("q", "")
    page = Paginator(customers_of(jobcenter, query), 25).get_page(request.GET.get("page"))
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="customer_list",
        jobcenter=jobcenter,
        detail=f"q={query[:80]} page={page.number}",
    )
    return render(
        request,
        "accounts/staff_customers.html",
        {"page": page, "query": query, "pager_query": urlencode({"q": query}) if query else ""},
    )


# --- Back office: staff and roles -------------------------------------------------------


@staff_required(Perm.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff_team(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _membership, new_user = staff_membership_grant(
                request=request,
                actor=_user(request),
                jobcenter=jobcenter,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=Role(data["role"]),
            )
        except ValidationError as exc:
            form.add_error("role", exc.message_dict.get("role", exc.messages))
        else:
            messages.success(
                request,
                _("Die Rolle wurde vergeben. Eine Einladung wurde per E-Mail verschickt.")
                if new_user
                else _("Die Rolle wurde vergeben."),
            )
            return redirect("staff:team", jc=jc)
    memberships = list(memberships_of(jobcenter))
    people: dict[int, dict[str, Any]] = {}
    for m in memberships:
        people.setdefault(m.user_id, {"user": m.user, "memberships": []})["memberships"].append(m)
    return render(
        request, "accounts/staff_team.html", {"form": form, "people": list(people.values())}
    )


@staff_required(Perm.STAFF_MANAGE)
@require_POST
def staff_membership_remove(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    membership = get_membership_for(request_jobcenter(request), pk)
    try:
        staff_membership_revoke(request=request, actor=_user(request), membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Die Rolle wurde entzogen."))
    return redirect(reverse("staff:team", kwargs={"jc": jc}))


class CustomerSignupView(SignupView):  # type: ignore[misc]
    """allauth's signup, with the job centre preselected from ``?jobcenter=<slug>``."""

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        slug = self.request.GET.get("jobcenter", "")
        if slug:
            initial["jobcenter"] = slug
        return initial
