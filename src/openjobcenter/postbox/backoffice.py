"""The back-office system's machine access (issue 25 §2): a per-job-centre token with the
one scope "notices.deposit", so the Fachverfahren deposits notices through the API
without a staff session.

The job centre's admin creates a token on ``/<jc>/staff/postfach/schnittstelle/``; its key
(``ojcb_…``) is shown once and stored only as its SHA-256. A token works for its own job
centre only (another's: 403), stops at once when revoked (401 like an unknown key) and is
rate-limited per token (``DEPOSIT_THROTTLE``). Creation, revocation and every deposit are
audited (the deposit's entry names the token; the notice has no staff author).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.postbox.models import BackOfficeToken, TokenScope

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

KEY_PREFIX = "ojcb_"
TOUCH_EVERY = timedelta(minutes=1)
# Per token: a back office deposits its day's notices in batches; 120 a minute is far
# above that and keeps a leaked or looping client from filling the storage.
DEPOSIT_THROTTLE = AuthRateThrottle("120/m")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, request: HttpRequest | None, jobcenter: Jobcenter, actor: User, name: str
) -> tuple[BackOfficeToken, str]:
    """A new token and its key (the only time the key exists in clear)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = BackOfficeToken.objects.create(
        jobcenter=jobcenter,
        name=name.strip()[:100],
        prefix=key[:12],
        key_hash=hash_key(key),
        scope=TokenScope.NOTICES_DEPOSIT,
        created_by=actor,
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="backoffice_token",
        object_id=token.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{token.name} scope={token.scope}",
    )
    return token, key


@transaction.atomic
def token_revoke(*, request: HttpRequest | None, token: BackOfficeToken, actor: User) -> None:
    """Revoke at once; revoking twice changes nothing."""
    updated = BackOfficeToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if updated:
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="backoffice_token",
            object_id=token.pk,
            jobcenter=token.jobcenter,
            actor=actor,
            detail=f"{token.name} revoked",
        )


def tokens_of(jobcenter: Jobcenter) -> list[BackOfficeToken]:
    return list(BackOfficeToken.objects.filter(jobcenter=jobcenter).select_related("created_by"))


def token_for_admin(jobcenter: Jobcenter, pk: int) -> BackOfficeToken:
    from django.http import Http404

    try:
        return BackOfficeToken.objects.get(pk=pk, jobcenter=jobcenter)
    except BackOfficeToken.DoesNotExist:
        raise Http404 from None


class BackOfficeAuth(HttpBearer):
    """``Authorization: Bearer ojcb_…``: a live back-office token (no session, no
    person). Unknown, malformed or revoked: ``None`` (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(KEY_PREFIX) or len(token) > 100:
            return None
        found = (
            BackOfficeToken.objects.select_related("jobcenter")
            .filter(key_hash=hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            BackOfficeToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found
