"""The steps new in version 2 of the first application (issue 17, part 5): health insurance
and assets asked for each person of the household, as the official annexes do.

Version 1 asked both once for the whole household (assets as one yes/no). Those steps keep
their keys and meaning in ``steps_v1``, so drafts and submitted applications of version 1
still render, continue and submit with the questions they were filed with; the new steps
have their own keys (``person_assets:p2``, ``person_health_insurance:p2``) so that no
answer of one shape is ever read as the other.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.definitions.steps_v1 import T_TOPIC_ASSETS, T_TOPIC_HEALTH
from openjobcenter.applications.engine import (
    Eq,
    Field,
    FieldType,
    Has,
    In,
    PersonIs,
    Step,
    Yes,
    choices,
)

T = FieldType

# --- Krankenversicherung, for each adult and each child -----------------------------------------

HEALTH_KINDS = choices(
    ("statutory", _("gesetzlich versichert (eigene Mitgliedschaft in einer Krankenkasse)")),
    ("family", _("familienversichert (über ein Familienmitglied)")),
    ("private", _("privat versichert")),
    ("none", _("nicht versichert")),
    ("unknown", _("weiß ich nicht")),
)

PERSON_HEALTH = Step(
    "person_health_insurance",
    _("Krankenversicherung"),
    T_TOPIC_HEALTH,
    per_person=PersonIs(),
    intro=_(
        "Mit dem Bürgergeld sind die Personen Ihres Haushalts in der Regel gesetzlich kranken- "
        "und pflegeversichert. Damit wir sie richtig anmelden, fragen wir für jede Person, "
        "wie sie heute versichert ist."
    ),
    fields=(
        Field(
            "kind",
            T.CHOICE,
            _("Wie ist diese Person krankenversichert?"),
            choices=HEALTH_KINDS,
            help=_(
                "Familienversichert ist, wer ohne eigenen Beitrag über die Krankenkasse eines "
                "Elternteils oder der Ehepartnerin oder des Ehepartners versichert ist, zum "
                "Beispiel Kinder. Wenn Sie es nicht wissen, wählen Sie „weiß ich nicht“: Wir "
                "klären es mit Ihnen."
            ),
        ),
        Field(
            "insurer",
            T.TEXT,
            _("Name der Krankenkasse oder Versicherung"),
            help=_("Der Name steht auf der Gesundheitskarte oder dem Versicherungsschein."),
            max_length=200,
            show_if=In(".kind", ("statutory", "family", "private")),
        ),
        Field(
            "family_via",
            T.TEXT,
            _("Über wen ist die Person familienversichert?"),
            hint=_("Vor- und Nachname des Familienmitglieds, bei dem die Person mitversichert ist"),
            max_length=200,
            show_if=Eq(".kind", "family"),
        ),
        Field(
            "private_premium",
            T.MONEY,
            _("Monatlicher Beitrag zur privaten Kranken- und Pflegeversicherung"),
            help=_(
                "Das Jobcenter kann einen Zuschuss zum Beitrag zahlen. Der Betrag steht in der "
                "Beitragsrechnung Ihrer Versicherung."
            ),
            hint=_("Euro im Monat"),
            required=False,
            show_if=Eq(".kind", "private"),
            confirm_above=Decimal(2000),
        ),
    ),
)

# --- Vermögen as the official annex (Anlage VM) asks it, for each person ------------------------

# Kind → label; the value field of each kind is ``<kind>_value``.
ASSET_KINDS = choices(
    ("cash", _("Bargeld")),
    ("accounts", _("Giro-, Spar- und Tagesgeldkonten")),
    ("building_savings", _("Bausparverträge")),
    ("insurance", _("Lebens- und private Rentenversicherungen")),
    ("securities", _("Wertpapiere, Aktien, Fonds")),
    ("vehicles", _("Kraftfahrzeuge")),
    ("property", _("Haus- und Grundeigentum")),
    ("other", _("Sonstiges")),
)
ASSET_KIND_KEYS = tuple(c.value for c in ASSET_KINDS)

ASSET_VALUE_LABELS = {
    "cash": _("Bargeld: Betrag"),
    "accounts": _("Giro-, Spar- und Tagesgeldkonten: Guthaben zusammen"),
    "building_savings": _("Bausparverträge: Guthaben zusammen"),
    "insurance": _("Lebens- und private Rentenversicherungen: Rückkaufswert zusammen"),
    "securities": _("Wertpapiere, Aktien, Fonds: Kurswert zusammen"),
    "vehicles": _("Kraftfahrzeuge: Wert zusammen"),
    "property": _("Haus- und Grundeigentum: Verkehrswert zusammen"),
    "other": _("Sonstiges: Wert zusammen"),
}

PROTECTED_ASSETS = _(
    "So schützt das Gesetz Ihr Vermögen (§ 12 SGB II): Im ersten Jahr des Bürgergelds "
    "(Karenzzeit) zählt nur erhebliches Vermögen, das heißt mehr als 40.000 € für die erste "
    "Person und 15.000 € für jede weitere Person im Haushalt. Danach bleiben 15.000 € je "
    "Person geschützt. Immer geschützt sind ein angemessenes Auto für jede erwerbsfähige "
    "Person, die selbst bewohnte Wohnung oder das selbst bewohnte Haus in angemessener Größe "
    "und anerkannte Altersvorsorge. Geben Sie trotzdem alles an: Was geschützt ist, rechnet "
    "das Jobcenter heraus."
)


def _value(kind: str) -> Field:
    return Field(
        f"{kind}_value",
        T.MONEY,
        ASSET_VALUE_LABELS[kind],
        hint=_("Euro, Stand heute"),
        show_if=Yes(".has_assets") & Has(".kinds", kind),
        confirm_above=Decimal(1000000),
    )


PERSON_ASSETS = Step(
    "person_assets",
    _("Vermögen"),
    T_TOPIC_ASSETS,
    per_person=PersonIs(),
    intro=PROTECTED_ASSETS,
    fields=(
        Field(
            "has_assets",
            T.YESNO,
            _("Gehört dieser Person Vermögen, gleich in welcher Höhe?"),
            help=_(
                "Zum Vermögen gehören Bargeld, Guthaben auf Konten, Bausparverträge, "
                "Versicherungen mit Rückkaufswert, Wertpapiere, Fahrzeuge, Häuser und "
                "Grundstücke. Schulden ziehen Sie nicht ab; die nennen Sie in der Erläuterung."
            ),
        ),
        Field(
            "kinds",
            T.MULTI,
            _("Welche Arten von Vermögen sind es?"),
            help=_("Kreuzen Sie alle Arten an, auch wenn der Wert klein ist."),
            choices=ASSET_KINDS,
            show_if=Yes(".has_assets"),
        ),
        *(_value(kind) for kind in ASSET_KIND_KEYS),
        Field(
            "property_self_used",
            T.YESNO,
            _("Wohnt die Person selbst in dem Haus oder der Wohnung?"),
            help=_("Selbst bewohntes Eigentum in angemessener Größe ist geschützt."),
            show_if=Yes(".has_assets") & Has(".kinds", "property"),
        ),
        Field(
            "insurance_retirement",
            T.YESNO,
            _("Ist die Versicherung als Altersvorsorge vereinbart oder gefördert?"),
            help=_(
                "Zum Beispiel eine Riester- oder Rürup-Rente oder ein Vertrag, der vor dem "
                "Rentenalter nicht ausgezahlt werden kann. Solche Altersvorsorge ist geschützt."
            ),
            show_if=Yes(".has_assets") & Has(".kinds", "insurance"),
        ),
        Field(
            "details",
            T.TEXTAREA,
            _("Erläuterung"),
            required=False,
            show_if=Yes(".has_assets"),
            hint=_("Zum Beispiel Bank und Art der Konten, Baujahr des Autos, Schulden."),
        ),
    ),
)
