"""Veränderungsmitteilung (change notice), version 1: address, job, income, household, bank."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.definitions import steps_v1 as s
from openjobcenter.applications.engine import (
    Field,
    FieldType,
    FormDefinition,
    Has,
    Step,
    choices,
    register,
)

T = FieldType

CHANGE_WHAT = Step(
    "changes",
    _("Was hat sich geändert?"),
    s.T_TOPIC_CHANGES,
    fields=(
        Field(
            "what",
            T.MULTI,
            _("Was möchten Sie mitteilen?"),
            help=_(
                "Wählen Sie alles, was sich geändert hat. Danach fragen wir nur nach diesen Themen."
            ),
            choices=choices(
                ("address", _("Neue Adresse")),
                ("job", _("Neue Arbeit")),
                ("income", _("Einkommen hat sich geändert")),
                ("household", _("Personen im Haushalt haben sich geändert")),
                ("bank_account", _("Neue Bankverbindung")),
            ),
        ),
        Field(
            "since",
            T.DATE,
            _("Seit wann gilt die Änderung?"),
            past_only=False,
            help=_(
                "Der Tag, an dem sich etwas geändert hat oder ändern wird, zum Beispiel der "
                "erste Arbeitstag."
            ),
        ),
    ),
)

ADDRESS = Step(
    "address",
    _("Neue Adresse"),
    s.T_TOPIC_HOUSING,
    show_if=Has("changes.what", "address"),
    fields=(
        Field("street", T.TEXT, _("Straße und Hausnummer"), max_length=200),
        Field("postcode", T.POSTCODE, _("Postleitzahl"), max_length=5),
        Field("city", T.TEXT, _("Ort"), max_length=100),
        Field(
            "moved_on",
            T.DATE,
            _("Umzugstag"),
            past_only=False,
            help=_(
                "Vor einem Umzug holen Sie bitte die Zusicherung des Jobcenters ein, sonst "
                "werden die neuen Kosten vielleicht nicht voll übernommen (§ 22 Abs. 4 SGB II)."
            ),
        ),
    ),
)

JOB = Step(
    "job",
    _("Neue Arbeit"),
    s.T_TOPIC_INCOME,
    show_if=Has("changes.what", "job"),
    fields=(
        Field("employer", T.TEXT, _("Arbeitgeber"), max_length=200),
        Field("start", T.DATE, _("Erster Arbeitstag"), past_only=False),
        Field(
            "hours",
            T.INTEGER,
            _("Stunden pro Woche"),
            min_value=1,
            max_value=80,
            help=_("Die vereinbarte Arbeitszeit laut Arbeitsvertrag."),
        ),
        Field(
            "gross_earnings",
            T.MONEY,
            _("Bruttolohn"),
            hint=_("Euro im Monat"),
            confirm_above=Decimal(10000),
        ),
        Field(
            "net_earnings",
            T.MONEY,
            _("Nettolohn"),
            hint=_("Euro im Monat"),
            required=False,
            confirm_above=Decimal(10000),
        ),
    ),
)

DECLARATIONS = replace(
    s.DECLARATIONS, fields=tuple(f for f in s.DECLARATIONS.fields if f.key != "report_changes")
)

CHANGE_NOTICE_V1 = register(
    FormDefinition(
        key="change_notice",
        version=1,
        kind="change_notice",
        title=_("Veränderungsmitteilung"),
        description=_("Teilen Sie dem Jobcenter mit, was sich geändert hat."),
        steps=(
            s.FILING,
            CHANGE_WHAT,
            ADDRESS,
            replace(s.HOUSING, show_if=Has("changes.what", "address")),
            JOB,
            replace(s.INCOME, show_if=Has("changes.what", "income")),
            replace(s.HOUSEHOLD, show_if=Has("changes.what", "household")),
            replace(s.MEMBER, show_if=Has("changes.what", "household")),
            replace(s.BANK, show_if=Has("changes.what", "bank_account")),
            DECLARATIONS,
        ),
    )
)
