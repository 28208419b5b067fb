"""The platform's page in Leichte Sprache, for every job centre that has not written its own.

Written by hand after the rules of the Netzwerk Leichte Sprache: one statement per
sentence, short words, hard words joined by a hyphen (Job-Center) and explained, "Sie"
and active verbs. Each section has a pictogram (web/static/web/pictograms, CC0).
``CHECKED_BY`` names the test group that reviewed it; empty until one has
(docs/languages.md). The readability check (tests/test_easy_language.py) reads these
sentences too.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKED_BY = ""


@dataclass(frozen=True)
class Section:
    pictogram: str  # file name under web/pictograms/, without .svg
    title: str
    sentences: tuple[str, ...]


TITLE = "Das Job-Center im Internet"

SECTIONS: tuple[Section, ...] = (
    Section(
        "info",
        "Was ist diese Seite?",
        (
            "Das ist die Internet-Seite von Ihrem Job-Center.",
            "Das Job-Center hilft Ihnen.",
            "Zum Beispiel: Sie haben keine Arbeit.",
            "Oder Sie haben zu wenig Geld zum Leben.",
            "Dann bekommen Sie vielleicht Geld vom Job-Center.",
            "Das Geld heißt: Bürger-Geld.",
        ),
    ),
    Section(
        "person",
        "Anmelden",
        (
            "Sie wollen die Seite benutzen?",
            "Dann brauchen Sie ein Konto.",
            "Ein Konto ist wie ein Schließ-Fach im Internet.",
            "Nur Sie können es öffnen.",
            "Sie brauchen dafür Ihre E-Mail-Adresse.",
            "Und Sie brauchen ein Pass-Wort.",
            "Ein Pass-Wort ist ein geheimes Wort.",
            "Sagen Sie Ihr Pass-Wort niemandem.",
        ),
    ),
    Section(
        "document",
        "Anträge und Unterlagen",
        (
            "Sie können hier einen Antrag stellen.",
            "Ein Antrag ist ein Brief an das Job-Center.",
            "Darin steht: Sie wollen Geld oder Hilfe.",
            "Sie können auch Unterlagen schicken.",
            "Unterlagen sind zum Beispiel Ihr Miet-Vertrag.",
            "Sie können die Unterlagen mit dem Handy fotografieren.",
        ),
    ),
    Section(
        "calendar",
        "Termine",
        (
            "Sie können hier einen Termin machen.",
            "Ein Termin ist ein Treffen mit dem Job-Center.",
            "Der Termin hat einen Tag und eine Uhr-Zeit.",
            "Sie können nicht kommen?",
            "Dann sagen Sie es dem Job-Center.",
            "Das geht auch auf dieser Seite.",
        ),
    ),
    Section(
        "chat",
        "Schreiben",
        (
            "Sie haben eine Frage?",
            "Dann schreiben Sie dem Job-Center.",
            "Sie bekommen eine Antwort.",
        ),
    ),
    Section(
        "help",
        "Hilfe",
        (
            "Sie verstehen etwas nicht?",
            "Dann rufen Sie das Job-Center an.",
            "Oder Sie gehen zum Job-Center.",
            "Sie können eine Person mitnehmen.",
            "Die Person hilft Ihnen.",
            "Sie sprechen nicht gut Deutsch?",
            "Dann sagen Sie das dem Job-Center.",
            "Das Job-Center hilft Ihnen mit einer Übersetzung.",
        ),
    ),
)
