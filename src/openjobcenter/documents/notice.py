"""The plain-language notice on the duty to cooperate (§§ 60, 66 SGB I) that every
document request carries. The job centre may word its own (document settings); this is
the shipped default, translated like every other text."""

from __future__ import annotations

from django.utils.translation import gettext as _


def default_notice() -> str:
    return _(
        "Warum wir fragen: Wer Bürgergeld beantragt oder bekommt, muss die Unterlagen "
        "vorlegen, die wir für die Entscheidung brauchen (§ 60 Erstes Buch "
        "Sozialgesetzbuch, SGB I). Bitte senden Sie die Unterlagen bis zur Frist. Wenn "
        "Sie das nicht können, melden Sie sich bitte vorher bei uns, dann finden wir eine "
        "Lösung. Fehlen die Unterlagen nach Ablauf der Frist ohne Grund, können wir die "
        "Leistung ganz oder teilweise versagen oder entziehen, bis Sie die Unterlagen "
        "nachreichen (§ 66 SGB I). Reichen Sie die Unterlagen später nach, prüfen wir die "
        "Leistung erneut (§ 67 SGB I)."
    )
