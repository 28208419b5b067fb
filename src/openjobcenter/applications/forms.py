"""Reading a step page's POST into raw answers, and the page's field models.

The engine checks the answers (one set of rules for pages and API); this module only turns
form data into the engine's raw shape and describes each field for the template.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from openjobcenter.applications import engine
from openjobcenter.applications.engine import (
    CONFIRM_SUFFIX,
    MEMBER_ROLES,
    PERSON_FIELDS,
    PERSON_ROLE_LABELS,
    Answers,
    Cond,
    Field,
    FieldType,
    StepInstance,
    person_label,
)

MAX_MEMBER_ROWS = engine.MAX_PERSONS - 1


def _member_rows(post: QueryDict) -> list[dict[str, str]]:
    try:
        count = int(post.get("members-count", "0"))
    except ValueError:
        count = 0
    rows = []
    for i in range(min(max(count, 0), MAX_MEMBER_ROWS + 1)):
        if post.get(f"members-{i}-remove"):
            continue
        rows.append({k: post.get(f"members-{i}-{k}", "") for k in ("id", *PERSON_FIELDS)})
    return rows


def raw_from_post(inst: StepInstance, post: QueryDict) -> dict[str, Any]:
    """The engine's raw answers of one step from a submitted page."""
    raw: dict[str, Any] = {}
    for f in inst.step.fields:
        if f.type == FieldType.PERSONS:
            raw[f.key] = _member_rows(post)
        elif f.type == FieldType.MULTI:
            raw[f.key] = post.getlist(f.key)
        else:
            raw[f.key] = post.get(f.key, "")
        if f.confirm_above is not None:
            raw[f.key + CONFIRM_SUFFIX] = post.get(f.key + CONFIRM_SUFFIX, "")
    return raw


def _local_only(cond: Cond | None) -> bool:
    """A condition that reads only the same step's fields (the page can show/hide live)."""
    if cond is None:
        return False
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "ref" in node:
                refs.append(str(node["ref"]))
            if node.get("op") in {"person", "any_person"}:
                refs.append("@")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(cond.as_json())
    return bool(refs) and all(r.startswith(".") for r in refs)


@dataclass
class Option:
    value: str
    label: str
    checked: bool


@dataclass
class PageField:
    """One question as the template draws it."""

    f: Field
    name: str
    value: Any
    error: str
    help: str
    options: list[Option] = field(default_factory=list)
    condition: str = ""  # JSON for the live show/hide (same-step conditions only)
    confirm_needed: bool = False
    confirm_error: str = ""
    confirmed: bool = False
    bank_name: str = ""
    # On a per-person step the error names the person, at the field and in the summary.
    person: str = ""

    @property
    def error_text(self) -> str:
        """The error at the field: "Person 2 (Anna Beispiel): Bitte ..."."""
        if not self.error or not self.person:
            return self.error
        return f"{self.person}: {self.error}"

    @property
    def summary_text(self) -> str:
        """The error summary's line: the person, the question, the message."""
        if self.person:
            return f"{self.person}, {self.f.label}: {self.error}"
        return f"{self.f.label}: {self.error}"

    @property
    def type(self) -> str:
        return self.f.type.value

    @property
    def input_type(self) -> str:
        return {
            FieldType.EMAIL: "email",
            FieldType.PHONE: "tel",
        }.get(self.f.type, "text")

    @property
    def inputmode(self) -> str:
        return {
            FieldType.MONEY: "decimal",
            FieldType.DECIMAL: "decimal",
            FieldType.INTEGER: "numeric",
            FieldType.POSTCODE: "numeric",
            FieldType.TAX_ID: "numeric",
        }.get(self.f.type, "")


@dataclass
class MemberRow:
    index: int
    id: str
    role: str
    first_name: str
    last_name: str
    birth_date: str
    errors: dict[str, str]

    @property
    def number(self) -> int:
        # Person 1 is the applicant; the household list starts with Person 2, as the
        # per-person steps name them.
        return self.index + 2

    @property
    def label(self) -> str:
        return person_label(self.number, f"{self.first_name} {self.last_name}".strip())

    @property
    def error_texts(self) -> dict[str, str]:
        """Each field's error naming the person, once per field."""
        return {k: f"{self.label}: {m}" for k, m in self.errors.items() if m}


def page_fields(
    inst: StepInstance,
    answers: Answers,
    values: dict[str, Any],
    errors: dict[str, str],
    local_help: dict[str, str],
) -> list[PageField]:
    out: list[PageField] = []
    for f in inst.step.fields:
        local = _local_only(f.show_if)
        if f.show_if is not None and not local and not f.shown(answers, inst.person, values):
            continue
        value = values.get(f.key)
        options: list[Option] = []
        if f.type == FieldType.YESNO:
            options = [
                Option("yes", str(_("Ja")), value == "yes"),
                Option("no", str(_("Nein")), value == "no"),
            ]
        elif f.type in (FieldType.CHOICE, FieldType.MULTI):
            chosen = value if isinstance(value, list) else [value]
            options = [Option(c.value, str(c.label), c.value in chosen) for c in f.choices]
        confirm_error = errors.get(f.key + CONFIRM_SUFFIX, "")
        confirmed = bool(values.get(f.key + CONFIRM_SUFFIX)) and str(
            values.get(f.key + CONFIRM_SUFFIX)
        ).lower() not in {"", "0", "false"}
        out.append(
            PageField(
                f=f,
                name=f.key,
                value="" if value is None else value,
                error=errors.get(f.key, ""),
                help=local_help.get(f"{inst.step.key}.{f.key}") or str(f.help),
                options=options,
                condition=json.dumps(f.show_if.as_json()) if local and f.show_if else "",
                confirm_needed=bool(confirm_error) or confirmed,
                confirm_error=confirm_error,
                confirmed=confirmed,
                bank_name=engine.bank_of(f, value) if not errors.get(f.key) else "",
                person=inst.person.label if inst.person else "",
            )
        )
    return out


def member_rows(values: dict[str, Any], errors: dict[str, str], extra: int) -> list[MemberRow]:
    members = values.get("members") or []
    rows = [
        MemberRow(
            i,
            str(m.get("id", "")),
            str(m.get("role", "")),
            str(m.get("first_name", "")),
            str(m.get("last_name", "")),
            str(m.get("birth_date", "")),
            {k: errors.get(f"members.{i}.{k}", "") for k in PERSON_FIELDS},
        )
        for i, m in enumerate(members)
        if isinstance(m, dict)
    ]
    for _n in range(extra):
        if len(rows) >= MAX_MEMBER_ROWS:
            break
        rows.append(MemberRow(len(rows), "", "", "", "", "", {}))
    return rows


def role_options() -> list[tuple[str, str]]:
    return [(r.value, str(PERSON_ROLE_LABELS[r])) for r in MEMBER_ROLES]


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Ihre Antwort"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={
            "required": _("Bitte schreiben Sie eine Antwort."),
            "max_length": _("Bitte kürzen Sie Ihre Antwort auf höchstens %(limit_value)s Zeichen."),
        },
    )


class SubmitForm(forms.Form):
    # A random key per page view: a second click (or a reload) submits nothing twice.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    # Shown only when the application's address differs from the profile's (issue 17).
    save_address = forms.BooleanField(
        required=False, label=_("Diese Anschrift auch in Ihrem Profil speichern")
    )
