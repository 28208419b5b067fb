"""Human names of the pages feedback is given on, for the dashboard, the comments and the
export: "Antrag auf Bürgergeld – Bankverbindung" instead of
``customer:application_step`` with ``initial:bank``.

An application step is named by its form's and step's titles from the form definitions
(so every form, now and later, is named without a list here). Other pages are named
here, in German with translations (``feedback/locale``); a page not listed shows its
route name, so nothing is ever blank. The route name stays in the stored row and the
CSV (it is what identifies the page).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TITLES: dict[str, str | Promise] = {
    # Public pages of a job centre.
    "tenant:home": _("Startseite des Jobcenters"),
    "tenant:news": _("Neuigkeiten"),
    "tenant:news_post": _("Neuigkeit (einzelner Beitrag)"),
    "tenant:news_share": _("Neuigkeit teilen"),
    "tenant:videos": _("Erklärvideos"),
    "tenant:video": _("Erklärvideo ansehen"),
    "tenant:self_check": _("Selbst-Check: Habe ich Anspruch?"),
    "tenant:application_from_self_check": _("Vom Selbst-Check zum Antrag"),
    "tenant:accessibility": _("Barrierefreiheit"),
    "tenant:imprint": _("Impressum"),
    "tenant:privacy": _("Datenschutz"),
    # The customer's own area.
    "customer:home": _("Mein Bereich (Übersicht)"),
    "customer:profile": _("Meine Daten"),
    "customer:account_delete": _("Konto löschen"),
    "customer:notification_preferences": _("Benachrichtigungen"),
    "customer:feedback_panel": _("Mitmachen-Panel"),
    "customer:applications": _("Meine Anträge"),
    "customer:application_start": _("Antrag beginnen"),
    "customer:application": _("Antrag (Übersicht)"),
    "customer:application_step": _("Antrag (Schritt)"),
    "customer:application_submit": _("Antrag absenden"),
    "customer:application_receipt": _("Antrag: Eingangsbestätigung"),
    "customer:application_proofs": _("Antrag: Nachweise"),
    "customer:application_answer": _("Antrag: Rückfrage beantworten"),
    "customer:documents": _("Meine Unterlagen"),
    "customer:document": _("Unterlage"),
    "customer:document_upload": _("Unterlage hochladen"),
    "customer:document_page": _("Unterlage: Seite"),
    "customer:document_receipt": _("Unterlage: Eingangsbestätigung"),
    "customer:appointments": _("Meine Termine"),
    "customer:appointment": _("Termin"),
    "customer:appointment_confirm": _("Termin bestätigen"),
    "customer:appointment_cannot_come": _("Termin absagen"),
    "customer:appointment_video": _("Videotermin"),
    "customer:book": _("Termin buchen"),
    "customer:book_slot": _("Termin buchen: Zeit wählen"),
    "customer:card": _("Kundenkarte"),
    "customer:card_settings": _("Kundenkarte: Einstellungen"),
    "customer:card_renew": _("Kundenkarte erneuern"),
    "customer:card_block": _("Kundenkarte sperren"),
    "customer:messages": _("Nachrichten"),
    "customer:conversation": _("Nachricht (Unterhaltung)"),
    "customer:conversation_new": _("Neue Nachricht"),
    # Staff pages seen most.
    "staff:dashboard": _("Übersicht (Mitarbeitende)"),
    "staff:feedback_dashboard": _("Rückmeldungen"),
    "staff:videos": _("Erklärvideos verwalten"),
    "staff:news_posts": _("Neuigkeiten verwalten"),
}


def page_title(page: str, form_key: str = "", step_key: str = "") -> str:
    """The page's human name in the active language."""
    if form_key and step_key:
        step = _step_title(form_key, step_key)
        if step:
            return step
    title = TITLES.get(page)
    return str(title) if title is not None else page


def _step_title(form_key: str, step_key: str) -> str:
    from openjobcenter.applications.engine.definitions import latest_definition

    try:
        definition = latest_definition(form_key)
    except KeyError:
        return ""
    for step in definition.steps:
        if step.key == step_key:
            return f"{definition.title} – {step.title}"
    return ""
