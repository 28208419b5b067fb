"""The postbox's retention rules (``retention.registry``): notices with their sealed
files, and objections. Both are part of the benefits file; the default is ten years, the
period in which a notice can still be withdrawn (§ 45 Abs. 3 Satz 3 SGB X with § 40
Abs. 1 SGB II), per job centre within 1-30 years (docs/retention.md)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from openjobcenter.documents import storage
from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import delete_audited, model_rule

# The default: the period in which a notice can still be withdrawn (sources in
# docs/retention.md, "Postbox and mandates").
SOURCE = _(
    "Teil der Leistungsakte: Ein Bescheid kann bis zu zehn Jahre nach seiner Bekanntgabe "
    "zurückgenommen werden (§ 45 Abs. 3 Satz 3 SGB X, § 40 Abs. 1 SGB II); so lange "
    "bleiben Bescheide und Widersprüche bei der Akte (so begründet z. B. in der "
    "Organisationsanweisung 11/2018 des Jobcenters Sächsische Schweiz-Osterzgebirge). "
    "Örtliche Regeln gehen vor."
)


def _delete_notices(pks: Sequence[int]) -> int:
    rows = delete_audited("postbox.Notice", list(pks), kind="notice", fields=("file_name",))
    # Files after the rows (a crash leaves an orphan file, never a row without its file).
    storage.delete_many([str(r[3]) for r in rows])
    return len(rows)


def _delete_objections(pks: Sequence[int]) -> int:
    return len(delete_audited("postbox.Objection", list(pks), kind="objection"))


def register_rules() -> None:
    register(
        model_rule(
            model="postbox.Notice",
            date_field="created_at",
            delete=_delete_notices,
            key="postbox.notices",
            label=_("Bescheide im Postfach"),
            basis=_("Zeitpunkt der Bereitstellung"),
            unit=Unit.YEARS,
            default=10,
            minimum=1,
            maximum=30,
            source=SOURCE,
            order=75,
        )
    )
    register(
        model_rule(
            model="postbox.Objection",
            date_field="submitted_at",
            delete=_delete_objections,
            key="postbox.objections",
            label=_("Widersprüche aus dem Postfach"),
            basis=_("Eingang des Widerspruchs"),
            unit=Unit.YEARS,
            default=10,
            minimum=1,
            maximum=30,
            source=SOURCE,
            order=76,
        )
    )
