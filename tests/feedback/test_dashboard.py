"""The feedback dashboard: per page and step, the funnel beside it, comments (audited),
CSV export safe against formula injection, text-change marks with before/after."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import engine
from openjobcenter.applications.services import application_start
from openjobcenter.core.models import AuditEntry
from openjobcenter.feedback import extras, pages, services
from openjobcenter.feedback.models import Feedback, TextChange
from openjobcenter.feedback.views_staff import csv_cell
from openjobcenter.tenants.models import Jobcenter
from tests.feedback.conftest import enable


def _give(jc: Jobcenter, page: str, answer: str, text: str = "", **kw: str) -> int:
    return services.feedback_submit(
        jobcenter=jc,
        ref=pages.PageRef(page, kw.get("form", ""), kw.get("step", "")),
        answer=answer,
        text=text,
        staff=page.startswith("staff:"),
        panel=bool(kw.get("panel")),
    )


@pytest.fixture
def lead(
    feedback_on: Jobcenter, staff_a: dict[Role, User], staff_client: Callable[[User], Client]
) -> Client:
    return staff_client(staff_a[Role.TEAM_LEAD])


def test_counts_and_shares_per_page_and_step_beside_the_funnel(
    feedback_on: Jobcenter, lead: Client, customer: CustomerProfile
) -> None:
    enable(feedback_on, "applications")
    app = application_start(request=None, customer=customer, kind="initial")
    definition = engine.get_definition(app.form_key, app.form_version)
    step = definition.steps[0]
    for answer in ("no", "no", "partly", "yes"):
        _give(feedback_on, "customer:application_step", answer, form=app.form_key, step=step.key)
    _give(feedback_on, "tenant:home", "yes")
    html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    assert "customer:application_step" in html
    assert "2 (50 %)" in html and "1 (25 %)" in html
    assert "Anträge: Schritte und Rückmeldungen nebeneinander" in html
    assert str(step.title) in html


def test_comments_are_shown_scrubbed_and_the_read_is_audited(
    feedback_on: Jobcenter, lead: Client
) -> None:
    _give(feedback_on, "tenant:self_check", "no", "Ruf mich an 0661 1234567, das ist unklar")
    before = AuditEntry.objects.filter(object_type="feedback_comments").count()
    html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    assert "Ruf mich an [Telefon], das ist unklar" in html
    assert "1234567" not in html
    assert AuditEntry.objects.filter(object_type="feedback_comments").count() == before + 1


def test_panel_and_staff_feedback_are_shown_apart(feedback_on: Jobcenter, lead: Client) -> None:
    _give(feedback_on, "tenant:home", "no", "Kundenkommentar")
    _give(feedback_on, "tenant:home", "no", "Panelkommentar", panel="1")
    _give(feedback_on, "staff:dashboard", "partly", "Kollegenkommentar")
    customers = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    panel = lead.get("/fulda/staff/rueckmeldungen/?gruppe=panel").content.decode()
    staff = lead.get("/fulda/staff/rueckmeldungen/?gruppe=mitarbeitende").content.decode()
    assert "Kundenkommentar" in customers and "Panelkommentar" in customers
    assert "Kollegenkommentar" not in customers
    assert "Panelkommentar" in panel and "Kundenkommentar" not in panel
    assert "Kollegenkommentar" in staff and "Panelkommentar" not in staff


def test_csv_export_neutralises_formulas_and_is_audited(
    feedback_on: Jobcenter, lead: Client
) -> None:
    _give(feedback_on, "tenant:home", "no", '=HYPERLINK("http://x")')
    _give(feedback_on, "tenant:home", "partly", "+1 besser")
    _give(feedback_on, "tenant:home", "yes", "@SUMME")
    _give(feedback_on, "tenant:home", "yes", "-Liste")
    response = lead.get("/fulda/staff/rueckmeldungen/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Datum"
    comments = sorted(r[-1] for r in rows[1:])
    assert comments == sorted(['\'=HYPERLINK("http://x")', "'+1 besser", "'@SUMME", "'-Liste"])
    assert AuditEntry.objects.filter(object_type="feedback_comments", action="export").exists()


@pytest.mark.parametrize("value", ["=1+1", "+49", "-2", "@x", "\tx", "\rx"])
def test_csv_cell_prefixes_every_formula_start(value: str) -> None:
    assert csv_cell(value) == "'" + value
    assert csv_cell("Ganz normal") == "Ganz normal"


def test_text_change_mark_shows_before_and_after(feedback_on: Jobcenter, lead: Client) -> None:
    old = [_give(feedback_on, "tenant:self_check", "no") for _ in range(3)]
    Feedback.objects.filter(pk__in=old).update(created_at=timezone.now() - timedelta(days=10))
    _give(feedback_on, "tenant:self_check", "yes")
    _give(feedback_on, "tenant:self_check", "no")
    changed_on = timezone.localdate() - timedelta(days=2)
    response = lead.post(
        "/fulda/staff/rueckmeldungen/textaenderung/",
        {
            "page": "tenant:self_check",
            "changed_on": changed_on.isoformat(),
            "description": "Einleitung in einfacher Sprache",
        },
    )
    assert response.status_code == 302
    html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    assert "Einleitung in einfacher Sprache" in html
    assert "vorher 100 % (3)" in html and "nachher 50 % (2)" in html


def test_text_change_for_an_unknown_page_is_refused(feedback_on: Jobcenter, lead: Client) -> None:
    response = lead.post(
        "/fulda/staff/rueckmeldungen/textaenderung/",
        {"page": "tenant:gibt_es_nicht", "changed_on": "2026-01-01", "description": "x"},
    )
    assert response.status_code == 400
    assert "nicht bekannt" in response.content.decode()
    assert not TextChange.objects.exists()


def test_extension_point_adds_a_column(feedback_on: Jobcenter, lead: Client) -> None:
    _give(feedback_on, "tenant:home", "no")
    extras.register("test", "Videos", lambda jc, rows: {("tenant:home", "", ""): "12 Aufrufe"})
    try:
        html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    finally:
        extras.unregister("test")
    assert '<th scope="col">Videos</th>' in html and "12 Aufrufe" in html


def test_other_job_centre_sees_nothing_of_ours(
    feedback_on: Jobcenter,
    jc_b: Jobcenter,
    staff_b: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    enable(jc_b)
    _give(feedback_on, "tenant:home", "no", "Nur für Fulda")
    html = staff_client(staff_b[Role.TEAM_LEAD]).get("/wiesbaden/staff/rueckmeldungen/")
    assert "Nur für Fulda" not in html.content.decode()


def test_pages_are_named_in_words_in_the_readers_language(
    feedback_on: Jobcenter, lead: Client, customer: CustomerProfile
) -> None:
    from openjobcenter.feedback.titles import TITLES

    enable(feedback_on, "applications")
    app = application_start(request=None, customer=customer, kind="initial")
    definition = engine.get_definition(app.form_key, app.form_version)
    step = definition.steps[0]
    _give(
        feedback_on, "customer:application_step", "no", "Unklar", form=app.form_key, step=step.key
    )
    _give(feedback_on, "tenant:home", "yes")
    html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    assert "Startseite des Jobcenters" in html
    assert f"{definition.title} – {step.title}" in html
    from django.utils import translation

    from openjobcenter.feedback.titles import page_title

    with translation.override("en"):
        assert page_title("tenant:home") == "Job centre start page"
    with translation.override("ar"):
        assert page_title("tenant:home") != "Startseite des Jobcenters"
    assert page_title("staff:gibt_es_nicht") == "staff:gibt_es_nicht"
    # Every named page exists (a renamed route would leave a dead entry).
    assert set(TITLES) <= pages.known_pages()


def test_video_use_beside_the_step_funnel_and_feedback(
    feedback_on: Jobcenter, lead: Client, customer: CustomerProfile
) -> None:
    from openjobcenter.videos.models import TargetKind, Video, VideoAttachment, VideoDayStat

    enable(feedback_on, "applications")
    enable(feedback_on, "videos")
    app = application_start(request=None, customer=customer, kind="initial")
    definition = engine.get_definition(app.form_key, app.form_version)
    first, second = definition.steps[0], definition.steps[1]
    video = Video.objects.create(jobcenter=feedback_on, title="Erklärt", published=True)
    for step in (first, second):
        VideoAttachment.objects.create(
            jobcenter=feedback_on,
            video=video,
            target_kind=TargetKind.APPLICATION_STEP,
            target_key=f"{app.form_key}:{step.key}",
        )
    VideoDayStat.objects.create(video=video, day=timezone.localdate(), started=4, completed=3)
    _give(feedback_on, "customer:application_step", "no", form=app.form_key, step=first.key)
    html = lead.get("/fulda/staff/rueckmeldungen/").content.decode()
    assert "Erklärvideos (90 Tage)" in html
    # In the page table (the step with feedback) and in the funnel (the started step;
    # the funnel lists only steps someone started).
    assert html.count("4 Aufrufe, 75 % bis zum Ende") == 2
