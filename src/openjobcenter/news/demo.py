"""Demo posts of the two adapted demo job centres (``demo_load``): an office closure
over the holidays and a job fair, as a job centre would write them; the first load also
switches on ``news`` and ``feedback`` there (the start page shows the posts, every page
asks "War diese Seite verständlich?"). Idempotent.

Kept out of ``tenants.demo.load_jobcenters``, which the test suite's reference job centres
come from: tests switch modules on themselves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from openjobcenter.news.models import Post
from openjobcenter.tenants.demo import MAIN_KINZIG
from openjobcenter.tenants.models import Jobcenter

DEMO_MODULES = ("feedback", "news")


def _next(month: int, day: int) -> datetime:
    """The coming ``day.month.`` (this year's if it is still ahead), at 23:59 local time."""
    today = timezone.localdate()
    year = today.year if (today.month, today.day) <= (month, day) else today.year + 1
    return timezone.make_aware(
        datetime.combine(today.replace(year=year, month=month, day=day), time(23, 59))
    )


def _posts(place: str, fair_venue: str, link: str) -> list[dict[str, object]]:
    closed = _next(12, 24)
    return [
        {
            "text": (
                f"Am 24.12. und am 31.12. bleibt das Jobcenter {place} geschlossen. Anträge, "
                "Unterlagen und Nachrichten können Sie jederzeit online schicken; wir "
                "bearbeiten sie ab dem nächsten Werktag. In dringenden Notlagen hilft das "
                "Sozialamt Ihrer Gemeinde."
            ),
            "link": "",
            "expires_at": closed + timedelta(days=8),
        },
        {
            "text": (
                f"Jobmesse {place}: Über 40 Arbeitgeber aus der Region stellen sich vor, "
                f"am ersten Donnerstag im nächsten Monat von 10 bis 15 Uhr im {fair_venue}. "
                "Bringen Sie gern Ihren Lebenslauf mit. Der Eintritt ist frei."
            ),
            "link": link,
            "expires_at": None,
        },
    ]


def load_posts() -> int:
    made = 0
    for slug, place, venue, link in (
        ("fulda", "Fulda", "Kreishaus Fulda", "https://www.landkreis-fulda.de/"),
        (
            MAIN_KINZIG,
            "Main-Kinzig-Kreis",
            "Forum Gelnhausen",
            "https://www.mkk.de/",
        ),
    ):
        jobcenter = Jobcenter.objects.filter(slug=slug).first()
        if jobcenter is None:
            continue
        if not Post.objects.filter(jobcenter=jobcenter).exists():
            jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, *DEMO_MODULES})
            jobcenter.save(update_fields=["enabled_modules"])
        for n, post in enumerate(_posts(place, venue, link)):
            _found, created = Post.objects.get_or_create(
                jobcenter=jobcenter,
                text=post["text"],
                defaults={
                    "link": post["link"],
                    "expires_at": post["expires_at"],
                    "published_at": timezone.now() - timedelta(hours=2 + n),
                },
            )
            made += int(created)
    return made
