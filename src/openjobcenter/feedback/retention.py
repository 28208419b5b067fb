"""Retention rules of the feedback module (registered from ``apps.ready``).

* ``feedback.entries``: answers and their scrubbed comments, after 2 years (an
  assumption: long enough to compare before and after a text change).
* ``feedback.panel``: panel entries whose consent was withdrawn, 30 days after the
  withdrawal (the audit log keeps the dates). The account-deletion path
  (``retention.services_account``) deletes a panel entry at once, and a deleted
  customer profile takes it with it (``on_delete=CASCADE``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import model_rule


def register_rules() -> None:
    register(
        model_rule(
            model="feedback.Feedback",
            date_field="created_at",
            key="feedback.entries",
            label=_("Rückmeldungen „War diese Seite verständlich?“"),
            basis=_("Tag der Rückmeldung"),
            unit=Unit.DAYS,
            default=730,
            minimum=30,
            maximum=1825,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); die Kommentare sind "
                "bereinigt. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            order=90,
        )
    )
    register(
        model_rule(
            model="feedback.PanelMembership",
            date_field="withdrawn_at",
            key="feedback.panel",
            label=_("Mitmachen-Panel: widerrufene Einwilligungen"),
            basis=_("Tag des Widerrufs; beim Löschen des Kontos sofort"),
            unit=Unit.DAYS,
            default=30,
            minimum=0,
            maximum=365,
            source=_(
                "Art. 7 Abs. 3 und Art. 17 DSGVO (Widerruf, Löschung). Frist: Annahme, "
                "fachlich zu prüfen."
            ),
            assumption=True,
            order=91,
        )
    )
