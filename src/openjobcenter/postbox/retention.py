"""The postbox's retention rules (``retention.registry``): notices with their sealed
files, and objections. Both are part of the benefits file (§ 84 SGB X); the default is
the case file's ten years, an assumption to be checked by each job centre."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from openjobcenter.documents import storage
from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import delete_audited, model_rule


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
            source=_(
                "§ 84 SGB X; Bescheide sind Teil der Leistungsakte und folgen ihrer Frist. "
                "Annahme, fachlich zu prüfen."
            ),
            assumption=True,
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
            source=_(
                "§ 84 SGB X; Widersprüche sind Teil der Leistungsakte und folgen ihrer "
                "Frist. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            order=76,
        )
    )
