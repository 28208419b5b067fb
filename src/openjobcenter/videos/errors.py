"""What the admin reads when a video is refused or its conversion fails."""

from __future__ import annotations

from django.utils.translation import gettext as _


class VideoInputError(ValueError):
    """A refused upload or edit: ``message`` is for the person, in their language."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def message_for(code: str, detail: str = "") -> str:
    from openjobcenter.videos.conf import conf

    messages = {
        "corrupt": _(
            "Die Datei lässt sich nicht als Video lesen. Sie ist beschädigt oder kein Video."
        ),
        "format": _(
            "Die Datei ist kein MP4-, WebM- oder MOV-Video, auch wenn ihr Name so endet. "
            "Bitte laden Sie das Video in einem dieser Formate hoch."
        ),
        "no_video": _("Die Datei enthält keine Bildspur. Bitte laden Sie ein Video hoch."),
        "too_long": _("Das Video ist zu lang: Erlaubt sind höchstens %(max)s Minuten.")
        % {"max": _minutes(conf()["max_duration_s"])},
        "too_large": _("Die Datei ist zu groß: Erlaubt sind höchstens %(max)d MB.")
        % {"max": conf()["max_upload_bytes"] // (1024 * 1024)},
        "transcode": _(
            "Die Umwandlung ist fehlgeschlagen. Versuchen Sie es noch einmal; wenn es wieder "
            "nicht klappt, ist die Datei vermutlich beschädigt."
        ),
        "missing": _(
            "Die hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie neu hoch."
        ),
        "timeout": _("Die Umwandlung dauert ungewöhnlich lange und wurde abgebrochen."),
    }
    return messages.get(code, messages["transcode"])


def _minutes(seconds: int) -> str:
    value = seconds / 60
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
