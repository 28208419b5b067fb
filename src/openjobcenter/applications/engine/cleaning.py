"""Value cleaning and validation of one step instance's raw answers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from openjobcenter.applications import validators
from openjobcenter.applications.engine.answers import (
    APPLICANT,
    MAX_PERSONS,
    PERSON_ID,
    Answers,
    PersonRole,
    Raw,
    _parse_date,
)
from openjobcenter.applications.engine.definitions import Field, FieldType, FormDefinition
from openjobcenter.applications.engine.progress import get_instance

# --- Validation -----------------------------------------------------------------------------

MONEY_RE = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")
DECIMAL_RE = re.compile(r"^\d{1,6}([.,]\d{1,2})?$")
PHONE_RE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
POSTCODE_RE = re.compile(r"^\d{5}$")
MAX_TEXTAREA = 2000
CONFIRM_SUFFIX = "_confirmed"
BANK_SUFFIX = "_bank"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _truthy(value: Any) -> bool:
    return _as_text(value).lower() in {"1", "true", "on", "yes", "ja"}


def parse_money(value: str) -> Decimal | None:
    """German or English decimal notation without thousands separators; ``None`` if bad."""
    text = value.replace(" ", "").replace("€", "")
    if text.startswith("-"):
        return Decimal(-1)
    if "." in text and "," in text:
        return None
    if not MONEY_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


class _Refused(Exception):  # noqa: N818 - internal signal carrying the message
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clean_date(f: Field, text: str, today: date) -> str:
    parsed = _parse_date(text)
    if parsed is None:
        m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
        if m:
            try:
                parsed = date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                parsed = None
    if parsed is None:
        raise _Refused(_("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.01.1980."))
    if f.past_only and parsed > today:
        raise _Refused(_("Das Datum darf nicht in der Zukunft liegen."))
    if f.future_only and parsed < today:
        raise _Refused(_("Das Datum darf nicht in der Vergangenheit liegen."))
    if parsed.year < today.year - 120:
        raise _Refused(_("Bitte prüfen Sie das Datum: Es liegt mehr als 120 Jahre zurück."))
    if f.future_only and parsed.year > today.year + 2:
        raise _Refused(_("Bitte prüfen Sie das Datum: Es liegt zu weit in der Zukunft."))
    return parsed.isoformat()


def _clean_value(f: Field, raw: Any, today: date) -> Any:
    """The canonical value of one answered field, or ``_Refused``."""
    if f.type == FieldType.MULTI:
        values = _as_list(raw)
        allowed = {c.value for c in f.choices}
        if any(v not in allowed for v in values):
            raise _Refused(_("Bitte wählen Sie nur aus den angebotenen Antworten."))
        return [c.value for c in f.choices if c.value in values]
    if f.type == FieldType.CONFIRM:
        return _truthy(raw)
    text = _as_text(raw)
    limit = MAX_TEXTAREA if f.type == FieldType.TEXTAREA else f.max_length
    if len(text) > limit:
        raise _Refused(
            _("Bitte kürzen Sie Ihre Angabe auf höchstens %(n)s Zeichen.") % {"n": limit}
        )
    if "\x00" in text:
        raise _Refused(_("Die Angabe enthält ungültige Zeichen."))
    match f.type:
        case FieldType.TEXT | FieldType.TEXTAREA:
            return text
        case FieldType.DATE:
            return _clean_date(f, text, today)
        case FieldType.CHOICE | FieldType.YESNO:
            allowed = {c.value for c in f.choices} if f.type == FieldType.CHOICE else {"yes", "no"}
            if text not in allowed:
                raise _Refused(_("Bitte wählen Sie eine der angebotenen Antworten."))
            return text
        case FieldType.MONEY:
            amount = parse_money(text)
            if amount is None:
                raise _Refused(_("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 450,00."))
            if amount < 0:
                raise _Refused(_("Der Betrag darf nicht negativ sein."))
            return str(amount)
        case FieldType.DECIMAL:
            if not DECIMAL_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine Zahl an, zum Beispiel 54,5."))
            return str(Decimal(text.replace(",", ".")))
        case FieldType.INTEGER:
            if not re.fullmatch(r"\d{1,6}", text):
                raise _Refused(_("Bitte geben Sie eine ganze Zahl ohne Vorzeichen an."))
            number = int(text)
            if (f.min_value is not None and number < f.min_value) or (
                f.max_value is not None and number > f.max_value
            ):
                raise _Refused(
                    _("Bitte geben Sie eine Zahl zwischen %(a)s und %(b)s an.")
                    % {"a": f.min_value or 0, "b": f.max_value}
                )
            return number
        case FieldType.IBAN:
            return validators.clean_iban(text)
        case FieldType.TAX_ID:
            return validators.clean_tax_id(text)
        case FieldType.PENSION_NUMBER:
            return validators.clean_pension_number(text)
        case FieldType.EMAIL:
            if not EMAIL_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine gültige E-Mail-Adresse an."))
            return text
        case FieldType.PHONE:
            if not PHONE_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine gültige Telefonnummer an."))
            return text
        case FieldType.POSTCODE:
            if not POSTCODE_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine Postleitzahl mit 5 Ziffern an."))
            return text
    return text


def clean_one(f: Field, raw: Any, *, today: date | None = None) -> tuple[Any, str]:
    """One field checked alone with the form's rules: (canonical value, "") or
    (None, the message). Used where one answer is corrected (co-signing)."""
    try:
        value = _clean_value(f, raw, today or date.today())
    except _Refused as refused:
        return None, refused.message
    except validators.InvalidValueError as invalid:
        return None, invalid.message
    if isinstance(value, validators.CheckedIban):
        value = value.iban
    return value, ""


def _is_empty(f: Field, raw: Any) -> bool:
    if f.type == FieldType.MULTI:
        return not _as_list(raw)
    if f.type == FieldType.CONFIRM:
        return not _truthy(raw)
    return _as_text(raw) == ""


PERSON_FIELDS = ("role", "first_name", "last_name", "birth_date")
MEMBER_ROLES = (PersonRole.PARTNER, PersonRole.CHILD, PersonRole.OTHER)


def _clean_persons(raw: Any, today: date) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The household members: a list of dicts with a stable id each ("p2", "p3", ...)."""
    errors: dict[str, str] = {}
    rows = raw if isinstance(raw, list) else []
    if len(rows) > MAX_PERSONS - 1:
        return [], {"members": _("Bitte geben Sie höchstens %(n)s Personen an.") % {"n": 14}}
    used = {str(r.get("id")) for r in rows if isinstance(r, dict)}
    next_no = 2
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    partners = 0
    date_field = Field("birth_date", FieldType.DATE, "")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        values = {k: _as_text(row.get(k)) for k in PERSON_FIELDS}
        if not any(values.values()):
            continue  # an empty "add another" row
        pid = str(row.get("id") or "")
        if not PERSON_ID.match(pid) or pid == APPLICANT or pid in seen:
            while f"p{next_no}" in used or f"p{next_no}" in seen:
                next_no += 1
            pid = f"p{next_no}"
        seen.add(pid)
        prefix = f"members.{index}."
        if values["role"] not in MEMBER_ROLES:
            errors[prefix + "role"] = _("Bitte wählen Sie, wer diese Person für Sie ist.")
        partners += values["role"] == PersonRole.PARTNER
        # Each message names its field: the page puts the person in front ("Person 2
        # (Anna Beispiel): Bitte geben Sie den Vornamen an."), as a caseworker would ask.
        if not values["first_name"]:
            errors[prefix + "first_name"] = _("Bitte geben Sie den Vornamen an.")
        elif len(values["first_name"]) > 100:
            errors[prefix + "first_name"] = _(
                "Bitte kürzen Sie den Vornamen auf höchstens %(n)s Zeichen."
            ) % {"n": 100}
        if not values["last_name"]:
            errors[prefix + "last_name"] = _("Bitte geben Sie den Nachnamen an.")
        elif len(values["last_name"]) > 100:
            errors[prefix + "last_name"] = _(
                "Bitte kürzen Sie den Nachnamen auf höchstens %(n)s Zeichen."
            ) % {"n": 100}
        birth = ""
        if not values["birth_date"]:
            errors[prefix + "birth_date"] = _("Bitte geben Sie das Geburtsdatum an.")
        else:
            try:
                birth = _clean_date(date_field, values["birth_date"], today)
            except _Refused as refused:
                errors[prefix + "birth_date"] = _("Geburtsdatum: %(error)s") % {
                    "error": refused.message
                }
        out.append({"id": pid, **values, "birth_date": birth})
    if partners > 1:
        errors["members"] = _("Bitte geben Sie höchstens eine Partnerin oder einen Partner an.")
    return out, errors


def validate_step(
    definition: FormDefinition,
    step_key: str,
    raw: Raw,
    answers: Answers,
    *,
    today: date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the raw answers of one step instance against its fields.

    ``raw`` maps field keys to submitted values (strings, lists for several choices, a list
    of dicts for the household members). ``answers`` holds the application's other steps
    (conditions may refer to them). Returns the cleaned, canonical answers of the fields
    that are shown, and the errors by field key (a message in the active language).
    Hidden fields are dropped, so a changed answer never leaves stale data behind.
    ``KeyError`` if the step does not exist (or is not a step of this form/person)."""
    today = today or date.today()
    inst = get_instance(definition, answers, step_key)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in inst.step.fields:
        if not f.shown(answers, inst.person, raw):
            continue
        value = raw.get(f.key)
        if f.type == FieldType.PERSONS:
            members, person_errors = _clean_persons(value, today)
            cleaned[f.key] = members
            errors.update(person_errors)
            continue
        if _is_empty(f, value):
            if f.required:
                errors[f.key] = (
                    _("Bitte bestätigen Sie diese Erklärung.")
                    if f.type == FieldType.CONFIRM
                    else _("Bitte beantworten Sie diese Frage.")
                )
            elif f.type == FieldType.MULTI:
                cleaned[f.key] = []
            continue
        try:
            value = _clean_value(f, value, today)
            if isinstance(value, validators.CheckedIban):
                value = value.iban
            cleaned[f.key] = value
        except _Refused as refused:
            errors[f.key] = refused.message
            continue
        except validators.InvalidValueError as invalid:
            errors[f.key] = invalid.message
            continue
        if f.confirm_above is not None and Decimal(cleaned[f.key]) > f.confirm_above:
            if _truthy(raw.get(f.key + CONFIRM_SUFFIX)):
                cleaned[f.key + CONFIRM_SUFFIX] = True
            else:
                errors[f.key] = _(
                    "Dieser Betrag ist ungewöhnlich hoch. Bitte prüfen Sie ihn und bestätigen "
                    "Sie, dass er stimmt."
                )
                errors[f.key + CONFIRM_SUFFIX] = errors[f.key]
    return cleaned, errors
