"""Forms of the customer pages: choosing a slot, and "Ich kann den Termin nicht wahrnehmen".

The forms check the shape of what was sent; whether a slot is free, in the horizon or
bookable at all is decided by the services, which raise ``AppointmentError``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openjobcenter.appointments.models import AppointmentType, ChangeReason, Channel
from openjobcenter.appointments.services import MAX_MESSAGE
from openjobcenter.appointments.slots import Slot

# "<UTC start>|<staff id>", e.g. "2025-03-03T07:00:00Z|12": what one radio button posts.
SLOT_VALUE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z\|([1-9]\d{0,9})$")
SLOT_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Far outside anything bookable, but inside what date arithmetic can handle: a forged
# year 9999 must end as "outside the bookable period", never as an overflow.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999


def slot_value(slot: Slot) -> str:
    return f"{slot.starts_at.astimezone(UTC).strftime(SLOT_FORMAT)}Z|{slot.staff_id}"


def parse_slot_value(value: str) -> tuple[datetime, int]:
    """The UTC start and staff id of a posted slot; ``ValueError`` for anything malformed."""
    match = SLOT_VALUE.match(value)
    if match is None:
        msg = "malformed slot"
        raise ValueError(msg)
    starts_at = datetime.strptime(match.group(1), SLOT_FORMAT).replace(tzinfo=UTC)
    if not EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR:
        msg = "slot out of range"
        raise ValueError(msg)
    return starts_at, int(match.group(2))


class SlotChoiceForm(forms.Form):
    """One free slot (radio group, rendered by the template grouped by day) and the way."""

    slot = forms.CharField(
        label=_("Termin"),
        max_length=40,
        error_messages={"required": _("Bitte wählen Sie einen Termin aus.")},
    )
    channel = forms.ChoiceField(
        label=_("Wie möchten Sie mit uns sprechen?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, wie Sie mit uns sprechen möchten."),
            "invalid_choice": _("Diesen Weg gibt es für diese Terminart nicht."),
        },
    )

    def __init__(self, *args: Any, appt_type: AppointmentType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = set(appt_type.channels or [])
        choices = [(c.value, c.label) for c in Channel if c.value in offered]
        field = cast("forms.ChoiceField", self.fields["channel"])
        field.choices = choices
        if len(choices) == 1:
            # Nothing to choose: the page says which way it is.
            field.widget = forms.HiddenInput()
            field.initial = choices[0][0]
        self.only_channel = choices[0][1] if len(choices) == 1 else None

    def clean_slot(self) -> tuple[datetime, int]:
        value = self.cleaned_data["slot"]
        try:
            return parse_slot_value(value)
        except ValueError:
            raise ValidationError(
                _("Diesen Termin gibt es nicht. Bitte wählen Sie einen Termin aus der Liste."),
                code="invalid",
            ) from None


class Wish:
    MOVE = "move"
    CANCEL = "cancel"


class CannotComeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Warum können Sie nicht kommen?"),
        choices=ChangeReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie einen Grund."),
            "invalid_choice": _("Bitte wählen Sie einen Grund aus der Liste."),
        },
    )
    wish = forms.ChoiceField(
        label=_("Was möchten Sie?"),
        choices=[
            (Wish.MOVE, _("Ich bitte um einen anderen Termin")),
            (Wish.CANCEL, _("Ich sage den Termin ab")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, ob Sie absagen oder einen anderen Termin möchten."),
            "invalid_choice": _("Bitte wählen Sie eine der beiden Möglichkeiten."),
        },
    )
    message = forms.CharField(
        label=_("Nachricht an Ihre Ansprechperson"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Zum Beispiel, wann Sie gut können. Bei Krankheit müssen Sie keine Diagnose nennen. "
            "Höchstens 1000 Zeichen."
        ),
        error_messages={
            "max_length": _(
                "Die Nachricht ist zu lang: höchstens %(limit_value)d Zeichen, "
                "Sie haben %(show_value)d geschrieben."
            )
        },
    )
    proof = forms.FileField(
        # The form renderer marks optional fields itself ("(freiwillig)"), so the label
        # must not: it read "Nachweis (freiwillig) (freiwillig)".
        label=_("Nachweis"),
        required=False,
        help_text=_(
            "Zum Beispiel eine Krankmeldung: ein Foto oder eine PDF-Datei. "
            "Sie können den Nachweis auch später schicken."
        ),
        error_messages={
            "invalid": _(
                "Die Datei konnte nicht gelesen werden. Bitte wählen Sie sie noch einmal."
            ),
            "empty": _("Die Datei ist leer. Bitte wählen Sie eine andere Datei."),
        },
    )

    def __init__(self, *args: Any, with_proof: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_proof:  # without the documents module the proof is handed in later
            del self.fields["proof"]
