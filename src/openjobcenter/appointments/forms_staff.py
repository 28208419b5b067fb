"""Forms of the staff pages. Dates and times are entered as Berlin wall-clock time and
turned into UTC here, so a time that does not exist (the spring-forward hour) is a
form error and never silently shifted."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import User
from openjobcenter.appointments.models import Appointment, AppointmentType, Channel, WeeklyHours
from openjobcenter.appointments.selectors import advisor_label
from openjobcenter.appointments.services import MAX_MESSAGE, MAX_OVERRIDE_REASON
from openjobcenter.appointments.services_config import TYPE_FIELDS
from openjobcenter.appointments.slots import local_to_utc
from openjobcenter.core.content_i18n_forms import TranslationsFormMixin
from openjobcenter.tenants.models import Office

NO_SUCH_TIME = _(
    "Diese Uhrzeit gibt es an diesem Tag wegen der Umstellung auf die Sommerzeit nicht. "
    "Bitte wählen Sie eine andere Uhrzeit."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def to_utc(day: date, at: time) -> datetime | None:
    """The UTC instant of a Berlin wall-clock time; None where the clock skips it.

    A time that exists twice (the autumn hour) is taken at its first occurrence.
    """
    return local_to_utc(day, at.replace(second=0, microsecond=0))


OVERRIDE_HELP = _(
    "Nur nötig, wenn der Termin an einem Feiertag, am Wochenende oder außerhalb der "
    "Öffnungszeiten des Standorts liegt. Die Begründung wird beim Termin gespeichert."
)


def override_field() -> forms.CharField:
    return forms.CharField(
        label=_("Begründung für einen Termin außerhalb der Öffnungszeiten"),
        required=False,
        max_length=MAX_OVERRIDE_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OVERRIDE_HELP,
    )


def _pending_label(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.starts_at)
    return f"{appointment.type.name}, {local:%d.%m.%Y %H:%M}"


class StartsAtMixin(forms.Form):
    """A future start, given as local date and time; ``cleaned_data["starts_at"]`` is UTC."""

    day = forms.DateField(label=_("Datum"), widget=DateInput)
    at = forms.TimeField(label=_("Uhrzeit"), widget=TimeInput)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        day, at = data.get("day"), data.get("at")
        if day is None or at is None:
            return data
        starts_at = to_utc(day, at)
        if starts_at is None:
            self.add_error("at", NO_SUCH_TIME)
        elif starts_at <= timezone.now():
            self.add_error("day", _("Dieser Zeitpunkt liegt in der Vergangenheit."))
        else:
            data["starts_at"] = starts_at
        return data


class InviteForm(StartsAtMixin):
    appt_type = forms.ModelChoiceField(
        label=_("Terminart"), queryset=AppointmentType.objects.none(), empty_label=None
    )
    staff = forms.ModelChoiceField(
        label=_("Bei wem"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _(
                "Bei dieser Person können Sie keinen Termin vergeben. Bitte wählen Sie eine "
                "Person aus der Liste."
            )
        },
    )
    channel = forms.ChoiceField(label=_("Weg"), choices=Channel.choices)
    office = forms.ModelChoiceField(
        label=_("Standort"),
        queryset=Office.objects.none(),
        required=False,
        empty_label="–",
        help_text=_("Bei Terminen vor Ort nötig."),
    )
    note = forms.CharField(
        label=_("Hinweis für die Kundin oder den Kunden"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # An invitation that answers "bitte einen anderen Termin" moves that appointment
    # instead of adding a second one (services.appointment_invite, ``replaces``).
    replaces = forms.ModelChoiceField(
        label=_("Beantwortet die Bitte um einen anderen Termin"),
        queryset=Appointment.objects.none(),
        required=False,
        empty_label=_("Nein, ein zusätzlicher Termin"),
        help_text=_("Der bisherige Termin wird dann auf die neue Zeit verschoben."),
    )
    override_reason = override_field()
    field_order = (
        "replaces",
        "appt_type",
        "staff",
        "day",
        "at",
        "channel",
        "office",
        "note",
        "override_reason",
    )

    def __init__(
        self,
        *args: Any,
        types: QuerySet[AppointmentType],
        staff: QuerySet[User],
        offices: QuerySet[Office],
        pending: QuerySet[Appointment] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if pending is None or not pending.exists():
            del self.fields["replaces"]
        else:
            self.fields["replaces"].queryset = pending  # type: ignore[attr-defined]
            self.fields["replaces"].label_from_instance = _pending_label  # type: ignore[attr-defined]
        self.fields["appt_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["staff"].label_from_instance = advisor_label  # type: ignore[attr-defined]
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.offices_exist = offices.exists()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        appt_type: AppointmentType | None = data.get("appt_type")
        channel = data.get("channel")
        if appt_type is not None and channel and channel not in (appt_type.channels or []):
            self.add_error("channel", _("Diesen Weg gibt es für diese Terminart nicht."))
        if channel == Channel.IN_PERSON and self.offices_exist and data.get("office") is None:
            self.add_error("office", _("Bitte wählen Sie für einen Termin vor Ort den Standort."))
        return data


class RescheduleForm(StartsAtMixin):
    override_reason = override_field()


class CancelForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an die Kundin oder den Kunden"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sie steht auf der Terminseite der Kundin oder des Kunden, nicht in der E-Mail."
        ),
    )


class WeeklyHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Wochentag"),
        coerce=int,
        choices=cast("list[tuple[int, str]]", WeeklyHours._meta.get_field("weekday").choices),
    )
    start = forms.TimeField(label=_("von"), widget=TimeInput)
    end = forms.TimeField(label=_("bis"), widget=TimeInput)
    office = forms.ModelChoiceField(
        label=_("Standort"), queryset=Office.objects.none(), required=False
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", _("Das Ende muss nach dem Beginn liegen."))
        return data


ABSENCE_KINDS = {
    "holiday": _("Urlaub"),
    "absence": _("Abwesenheit"),
    "training": _("Fortbildung"),
}


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=list(ABSENCE_KINDS.items()))
    start_day = forms.DateField(label=_("von (Datum)"), widget=DateInput)
    start_time = forms.TimeField(
        label=_("von (Uhrzeit)"), required=False, widget=TimeInput, help_text=_("Leer: ab 0 Uhr.")
    )
    end_day = forms.DateField(label=_("bis (Datum)"), widget=DateInput)
    end_time = forms.TimeField(
        label=_("bis (Uhrzeit)"),
        required=False,
        widget=TimeInput,
        help_text=_("Leer: bis zum Ende des Tages."),
    )
    everyone = forms.BooleanField(
        label=_("Für das ganze Jobcenter (z. B. Feiertag, Betriebsausflug)"), required=False
    )

    def __init__(self, *args: Any, allow_everyone: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_everyone:
            del self.fields["everyone"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start_day, end_day = data.get("start_day"), data.get("end_day")
        if start_day is None or end_day is None:
            return data
        starts_at = to_utc(start_day, data.get("start_time") or time(0))
        end_time = data.get("end_time")
        # An empty end time means the whole last day; midnight always exists in Berlin.
        ends_at = (
            to_utc(end_day, end_time) if end_time else to_utc(end_day + timedelta(days=1), time(0))
        )
        if starts_at is None:
            self.add_error("start_time", NO_SUCH_TIME)
        if ends_at is None:
            self.add_error("end_time", NO_SUCH_TIME)
        if starts_at is not None and ends_at is not None:
            if ends_at <= starts_at:
                self.add_error("end_day", _("Das Ende muss nach dem Beginn liegen."))
            else:
                data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data


class AppointmentTypeForm(TranslationsFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    translatable = ("name", "description", "what_to_bring", "legal_notice")

    channels = forms.MultipleChoiceField(
        label=_("Wege"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AppointmentType
        fields = TYPE_FIELDS  # the fields the configuration service accepts
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
            "legal_notice": forms.Textarea(attrs={"rows": 5}),
        }
