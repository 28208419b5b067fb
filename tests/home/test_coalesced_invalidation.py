"""The home and work-queue invalidation runs once per transaction, after the commit
(``core.oncommit.on_commit_once``, issue 19), and still invalidates every time.

Without the bump after the commit the cached home keeps showing the old next step: the
tests below read the home page (served from the cache) before and after each change.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

import pytest
from django.db import transaction

from openjobcenter.applications import services as app_services
from openjobcenter.applications.models import Application, ApplicationStep
from openjobcenter.core.oncommit import on_commit_once
from openjobcenter.home.cache import current_version
from openjobcenter.home.queue_cache import queue_changed, version_key
from openjobcenter.home.realtime import home_changed
from tests.applications.customer_data import COUPLE, save
from tests.home.test_home_changed import World, _fresh_layer, captured, captured_team, w

__all__ = ["_fresh_layer", "w"]

pytestmark = pytest.mark.django_db


def queue_version(jobcenter_id: int, module: str) -> Any:
    from django.core.cache import cache

    return cache.get(version_key(jobcenter_id, module))


def test_one_bump_and_one_event_per_transaction(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    uid, jc = w.customer.user_id, w.jc.pk
    before = current_version(uid)
    queue_changed(jobcenter_id=jc, module="applications")  # outside a transaction: at once
    queue_before = {m: queue_version(jc, m) for m in ("applications", "documents")}
    with (
        captured(uid) as events,
        captured_team(jc) as team,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        for _ in range(3):
            home_changed(uid)
        queue_changed(jobcenter_id=jc, module="applications")
        queue_changed(jobcenter_id=jc, module="documents")
        queue_changed(jobcenter_id=jc, module="applications")
        # Nothing moves before the commit.
        assert current_version(uid) == before
        assert {m: queue_version(jc, m) for m in queue_before} == queue_before
    assert len(callbacks) == 2  # one for the home, one for the job centre's queue
    assert current_version(uid) != before
    assert events.count({"type": "home.changed"}) == 1
    assert team.count({"type": "queue.changed"}) == 1
    after = {m: queue_version(jc, m) for m in queue_before}
    assert all(after[m] != queue_before[m] for m in queue_before), after


def test_rolled_back_transaction_bumps_nothing(w: World) -> None:
    uid = w.customer.user_id
    before = current_version(uid)
    with captured(uid) as events, suppress(RuntimeError), transaction.atomic():
        home_changed(uid)
        raise RuntimeError
    assert current_version(uid) == before
    assert events == []


def test_a_rolled_back_savepoint_does_not_swallow_a_later_change(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The first call's callback was dropped with its savepoint: the later call of the
    same transaction must register its own."""
    uid = w.customer.user_id
    before = current_version(uid)
    with (
        captured(uid) as events,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        with suppress(RuntimeError), transaction.atomic():
            home_changed(uid)
            raise RuntimeError
        home_changed(uid)
    assert current_version(uid) != before
    assert events.count({"type": "home.changed"}) == 1


def test_items_of_a_released_savepoint_join_the_waiting_callback(
    django_capture_on_commit_callbacks: Any,
) -> None:
    seen: list[set[Any]] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with transaction.atomic():
            on_commit_once("k", seen.append, 1)
        on_commit_once("k", seen.append, 2)
        on_commit_once("other", seen.append, 3)
    assert len(callbacks) == 2
    assert seen == [{1, 2}, {3}]


# --- step saves: the home moves on when its next step does ----------------------------------


def _missing(w: World) -> str:
    """What the home says is still missing from the filed application."""
    page = w.client.get(f"/{w.jc.slug}/mein-bereich/").content.decode()
    found = re.search(r"Es fehlt noch: [^<]*", page)
    assert found, "the home shows no application to complete"
    return found.group(0)


def _save(app: Application, key: str) -> None:
    row = ApplicationStep.objects.filter(application=app, step_key=key).first()
    app_services.application_step_save(
        request=None,
        application=Application.objects.get(pk=app.pk),
        step_key=key,
        answers=COUPLE[key],
        base_version=row.version if row else 0,
    )


def test_step_saves_update_the_cached_home(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    uid = w.customer.user_id
    with django_capture_on_commit_callbacks(execute=True):
        app = app_services.application_start(request=None, customer=w.customer, kind="initial")
        for key in ("filing", "personal", "bank", "situation", "household"):
            save(w.client, app, key, COUPLE[key])
    assert "Wohnung und Heizung" in _missing(w)
    assert "Wohnung und Heizung" in _missing(w)  # from the cache
    # A first save: the step is no longer missing, on the cached home too.
    with django_capture_on_commit_callbacks(execute=True):
        _save(app, "housing")
    assert "Wohnung und Heizung" not in _missing(w)
    # Saved again: no step-level condition reads the housing step, the progress and the
    # home stay as they are: no bump, no event.
    before = current_version(uid)
    with captured(uid) as events, django_capture_on_commit_callbacks(execute=True):
        _save(app, "housing")
    assert current_version(uid) == before
    assert events == []
    # The household decides which per-person steps there are: saved again, it bumps.
    with captured(uid) as events, django_capture_on_commit_callbacks(execute=True):
        _save(app, "household")
    assert current_version(uid) != before
    assert {"type": "home.changed"} in events
