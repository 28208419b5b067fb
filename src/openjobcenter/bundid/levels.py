"""Identity levels (Vertrauensniveaus) of the BundID and how a SAML answer names them.

The BundID names the level in the assertion's ``AuthnContextClassRef`` with the STORK
values ``STORK-QAA-Level-1`` to ``-4`` (requested with ``Comparison="minimum"``); brokers
that speak eIDAS use ``http://eidas.europa.eu/LoA/low|substantial|high``. Level 2 (STORK
"normal") has no own meaning for the BundID: it counts as "basisregistriert". See
docs/bundid.md for the sources and what is an assumption.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _


class Level(enum.IntEnum):
    BASIC = 1  # basisregistriert: user name and password
    SUBSTANTIAL = 3  # substanziell: e.g. ELSTER certificate
    HIGH = 4  # hoch: Online-Ausweis (eID)

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @property
    def class_ref(self) -> str:
        return f"STORK-QAA-Level-{int(self)}"


LABELS = {
    Level.BASIC: _("basisregistriert"),
    Level.SUBSTANTIAL: _("substanziell"),
    Level.HIGH: _("hoch"),
}
EXPLANATIONS = {
    Level.BASIC: _("Anmeldung mit Benutzername und Passwort"),
    Level.SUBSTANTIAL: _("zum Beispiel mit einem ELSTER-Zertifikat"),
    Level.HIGH: _("mit dem Online-Ausweis (eID)"),
}

_CLASS_REFS = {
    "STORK-QAA-Level-1": Level.BASIC,
    "STORK-QAA-Level-2": Level.BASIC,
    "STORK-QAA-Level-3": Level.SUBSTANTIAL,
    "STORK-QAA-Level-4": Level.HIGH,
    "http://eidas.europa.eu/LoA/low": Level.BASIC,
    "http://eidas.europa.eu/LoA/substantial": Level.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/high": Level.HIGH,
}


def from_class_ref(value: str | None) -> Level | None:
    """The level an ``AuthnContextClassRef`` names; None for anything unknown."""
    return _CLASS_REFS.get((value or "").strip())


def parse(value: object) -> Level | None:
    try:
        return Level(int(str(value)))
    except (TypeError, ValueError):
        return None


CHOICES = [(int(level), LABELS[level]) for level in Level]
