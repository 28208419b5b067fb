"""Writes of a job centre's need-to-know rules (``core.need_to_know``, ``AccessRule``).

A rule replaces the default visibility of one role for one data category in one job
centre: widening or narrowing, always with a written reason or legal basis, who and
when; setting a role back to its default removes the rule. Each change is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import Role
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AccessRule, AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

# The administration answers for the job centre and configures it: its own access is not
# configurable (nobody can lock the rules page away from everyone).
CONFIGURABLE_ROLES = (Role.RECEPTION, Role.CASEWORKER, Role.JOB_ADVISOR, Role.TEAM_LEAD)
MIN_REASON = 10


@transaction.atomic
def access_rule_set(
    *,
    jobcenter: Jobcenter,
    actor: User,
    role: str,
    category: str,
    visibility: int,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessRule | None:
    """Set what ``role`` may see of ``category`` in ``jobcenter``. Returns the rule, or
    None when the choice equals the default (then no rule is kept)."""
    try:
        the_role = Role(role)
        the_category = ntk.Category(category)
        seen = ntk.Visibility(int(visibility))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Bitte wählen Sie Rolle, Datenkategorie und Sichtbarkeit.")
        ) from None
    if the_role not in CONFIGURABLE_ROLES:
        raise ValidationError(_("Der Zugriff der Administration lässt sich nicht ändern."))
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValidationError(
            _(
                "Bitte begründen Sie die Änderung (Zweck und Rechtsgrundlage, mindestens %(n)d Zeichen)."
            )
            % {"n": MIN_REASON}
        )
    reason = reason[:2000]
    before = ntk.role_visibility(the_role, the_category, jobcenter)
    existing = (
        AccessRule.objects.select_for_update()
        .filter(jobcenter=jobcenter, role=the_role, category=the_category)
        .first()
    )
    rule: AccessRule | None
    if seen == ntk.default_visibility(the_role, the_category):
        if existing is not None:
            existing.delete()
        rule = None
    else:
        rule = existing or AccessRule(jobcenter=jobcenter, role=the_role, category=the_category)
        rule.visibility = seen
        rule.reason = reason
        rule.changed_by = actor
        rule.changed_by_label = actor.email
        rule.save()
    ntk.forget_rules(jobcenter)
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="access_rule",
        object_id=f"{the_role}:{the_category}",
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{before.name} -> {seen.name}; {reason}",
    )
    return rule
