"""The news module's retention rules (``retention.registry``):

* ``news.inbox``: the fediverse inbox, which holds what strangers wrote (often with
  personal data);
* ``news.remote_actors``: the kept copies of remote actors (handle, inbox, public key)
  that are neither following a job centre nor followed by one, once their last fetch
  lies the period back. A handle names a person; an actor that writes again is fetched
  again (``federation.fetch_actor``), so nothing is lost by deleting it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.news.models import Follower, Following, RemoteActor
from openjobcenter.retention.registry import Rule, Unit, register
from openjobcenter.retention.rules_model import delete_rows, model_rule

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _unused_remote_actors(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    """Remote actors last fetched before the cutoff that no job centre has a follow
    relation with (a follower's inbox is needed for every new post)."""
    return (
        RemoteActor.objects.filter(fetched_at__lt=cutoff)
        .exclude(actor_id__in=Follower.objects.values("actor_id"))
        .exclude(actor_id__in=Following.objects.values("actor_id"))
    )


def register_rules() -> None:
    register(
        model_rule(
            model="news.InboxItem",
            date_field="received_at",
            key="news.inbox",
            label=_("Antworten und Erwähnungen aus dem Fediverse"),
            basis=_("Eingang der Antwort"),
            unit=Unit.DAYS,
            default=90,
            minimum=7,
            maximum=730,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); die Einträge dienen nur der "
                "Moderation. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            order=90,
        )
    )
    register(
        Rule(
            key="news.remote_actors",
            label=_("Fediverse-Konten, die dem Jobcenter nicht (mehr) folgen"),
            basis=_("Letzter Abruf des Kontos"),
            unit=Unit.DAYS,
            default=90,
            minimum=7,
            maximum=730,
            source=_(
                "Art. 5 Abs. 1 lit. c und e DSGVO (Datenminimierung, Speicherbegrenzung); "
                "ein Konto, das wieder schreibt, wird neu abgerufen. Annahme, fachlich zu "
                "prüfen."
            ),
            assumption=True,
            due=_unused_remote_actors,
            delete=delete_rows("news.RemoteActor"),
            per_jobcenter=False,
            order=91,
        )
    )
