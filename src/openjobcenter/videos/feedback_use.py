"""The videos' figures on the feedback dashboard (``feedback.extras``): per application
step, how often the videos attached there were started and how many viewers reached the
end, beside the step's feedback and its funnel (the last 90 days, counts only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from openjobcenter.tenants.modules import is_enabled
from openjobcenter.videos.models import TargetKind, VideoAttachment, VideoDayStat

if TYPE_CHECKING:
    from openjobcenter.feedback.selectors import PageRow
    from openjobcenter.tenants.models import Jobcenter

DAYS = 90
LABEL = _("Erklärvideos (90 Tage)")


def step_use(jobcenter: Jobcenter, rows: Sequence[PageRow]) -> dict[tuple[str, str, str], str]:
    """Per row of an application step with a video: "12 Aufrufe, 58 % bis zum Ende".
    Two queries whatever the number of rows."""
    if not is_enabled(jobcenter, "videos"):
        return {}
    wanted = {f"{r.form_key}:{r.step_key}": r for r in rows if r.form_key and r.step_key}
    if not wanted:
        return {}
    videos_at: dict[str, set[int]] = defaultdict(set)
    for key, video_id in VideoAttachment.objects.filter(
        jobcenter=jobcenter, target_kind=TargetKind.APPLICATION_STEP, target_key__in=wanted
    ).values_list("target_key", "video_id"):
        videos_at[key].add(video_id)
    if not videos_at:
        return {}
    since = timezone.localdate() - timedelta(days=DAYS)
    sums = {
        s["video_id"]: (s["started"] or 0, s["done"] or 0)
        for s in VideoDayStat.objects.filter(
            video_id__in={v for ids in videos_at.values() for v in ids}, day__gte=since
        )
        .values("video_id")
        .annotate(started=Sum("started"), done=Sum("completed"))
    }
    out: dict[tuple[str, str, str], str] = {}
    for key, ids in videos_at.items():
        started = sum(sums.get(v, (0, 0))[0] for v in ids)
        done = sum(sums.get(v, (0, 0))[1] for v in ids)
        row = wanted[key]
        out[(row.page, row.form_key, row.step_key)] = describe(started, done)
    return out


def describe(started: int, done: int) -> str:
    if not started:
        return str(_("Video vorhanden, noch nicht angesehen"))
    views = ngettext("%(n)d Aufruf", "%(n)d Aufrufe", started) % {"n": started}
    share = round(100 * min(done, started) / started)
    return str(_("%(views)s, %(share)d %% bis zum Ende")) % {"views": views, "share": share}


def register() -> None:
    from openjobcenter.feedback import extras

    extras.register("videos", LABEL, step_use)
