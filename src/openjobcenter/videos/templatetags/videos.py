"""``{% attached_videos "application_step" key %}``: the "Video ansehen (1:20)" link with
its inline player, for any module's template (nothing when none is attached)."""

from __future__ import annotations

from typing import Any

from django import template

from openjobcenter.videos.selectors import videos_for

register = template.Library()


@register.inclusion_tag("videos/_attached.html", takes_context=True)
def attached_videos(context: dict[str, Any], target_kind: str, target_key: str) -> dict[str, Any]:
    jobcenter = context.get("jobcenter")
    players = videos_for(jobcenter, target_kind, str(target_key)) if jobcenter else []
    return {
        "players": players,
        "jobcenter": jobcenter,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
