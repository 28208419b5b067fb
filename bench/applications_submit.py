"""Part (b) of ``bench/applications.py``: submitting, and the PDFs and hand-offs after it."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.applications_common import (
    ANSWERS,
    complete_draft,
    make_customers,
    process_cpu_s,
    run_concurrently,
    warm_up,
)
from bench.common import percentile, summary

ROOT = Path(__file__).resolve().parents[1]
SUBMIT_TARGET_MS = 300.0
PDF_TARGET_S = 5.0


@contextlib.contextmanager
def rows_one_by_one() -> Iterator[None]:
    """The write path before this change (kept here only to compare in the same run):
    the submission's rows written one statement each, its three tasks (the receipt mail,
    the two outbox nudges) enqueued after the commit, each in its own transaction; as
    SQLite still does (``services_submit._write_submission``)."""
    from unittest import mock

    from openjobcenter.core import fastsql

    with mock.patch.object(fastsql, "writes_along", return_value=False):
        yield


def customer_request(application: Any) -> Any:
    """The customer's POST as the submit view gets it: the person logged in, the job
    centre resolved by the tenant middleware (``tenants.jccache``, with the version the
    hand-off configuration kept per process is checked against)."""
    from django.test import RequestFactory

    from openjobcenter.tenants import jccache

    request = RequestFactory().post(
        f"/{application.jobcenter.slug}/antraege/{application.pk}/absenden/"
    )
    request.user = application.customer.user
    request.jobcenter = jccache.cached_by_slug(application.jobcenter.slug)  # type: ignore[attr-defined]
    return request


def render_cpu(apps: list[Any], rounds: int) -> dict[str, Any]:
    """CPU per render of the summary and the receipt in this process, with one font
    configuration per thread (``pdf.font_config``, new) and a new one per render (old,
    WeasyPrint's default), alternating."""
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    from openjobcenter.applications import pdf
    from openjobcenter.applications.models import Application

    loaded = [
        Application.objects.select_related("jobcenter", "customer__user").get(pk=a.pk) for a in apps
    ]
    cached = pdf.font_config
    pdf.render_summary(loaded[0])  # imports and first layout are not part of a render
    cpu: dict[str, list[float]] = {}
    try:
        for round_no in range(max(2, rounds)):
            for mode in ("old", "new") if round_no % 2 == 0 else ("new", "old"):
                pdf.font_config = cached if mode == "new" else FontConfiguration
                for part, render in (
                    ("summary", pdf.render_summary),
                    ("receipt", pdf.render_receipt),
                ):
                    for app in loaded:
                        started = time.process_time()
                        render(app)
                        cpu.setdefault(f"{part} {mode}", []).append(
                            (time.process_time() - started) * 1000
                        )
    finally:
        pdf.font_config = cached
    means = {k: round(statistics.fmean(v), 1) for k, v in cpu.items()}
    return {
        "cpu_ms": means,
        "summary_new_over_old": round(means["summary new"] / means["summary old"], 2),
        "receipt_new_over_old": round(means["receipt new"] / means["receipt old"], 2),
    }


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` ``db_worker`` processes polling every 0.1 s (one connection each)."""
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "openjobcenter.manage",
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                f"bench-{n}",
            ],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def bench_submit(  # noqa: PLR0915 - the rounds share the set-up and the workers
    jobcenter: Any, count: int, env: dict[str, str], pdf_workers: int, rounds: int
) -> dict[str, Any]:
    """Submit ``count`` drafts at once, ``rounds`` times per path, the two paths
    alternating (old, new, new, old, ...), with the same ``db_worker`` processes: submit
    latency and CPU in the submitting process, then the time until the summary and the
    receipt PDF are stored (each, and all ``2 × count`` of the batch) and until the
    hand-off (the built-in inbox) is delivered, with the workers' CPU per submission.
    Baseline of the submit itself: a bare UPDATE of an application row with the same
    concurrency, in every round. Then the render CPU of the two PDFs, old and new font
    configuration (``render_cpu``)."""
    from django_tasks_db.models import DBTaskResult

    from openjobcenter.applications import services
    from openjobcenter.applications.models import Application

    paths = ("old: rows one by one, tasks after commit", "new: one statement, tasks with it")
    customers = make_customers(jobcenter, count * (2 * rounds + 1) + 2, "submit")
    drafts = [complete_draft(c) for c in customers[: count * 2 * rounds]]
    baseline_apps = [complete_draft(c) for c in customers[count * 2 * rounds : -2]]
    # Once per path in the parent, untimed, so the forked clients inherit what a server
    # process has loaded before (modules imported on first use, the statements' SQL,
    # the hand-off configuration kept per process).
    for warm, path in zip(customers[-2:], paths, strict=True):
        with rows_one_by_one() if path.startswith("old") else contextlib.nullcontext():
            draft = complete_draft(warm)
            services.application_submit(
                request=customer_request(draft), application=draft, idempotency_key="warm"
            )
    # Receipts queued while filing are not part of the measurement.
    DBTaskResult.objects.all().delete()
    from openjobcenter.core.models import OutboxItem

    OutboxItem.objects.all().delete()
    workers = start_workers(env, pdf_workers)
    pids = [w.pid for w in workers]
    figures: dict[str, dict[str, list[float]]] = {
        p: {
            "submit_ms": [],
            "submit_cpu_ms": [],
            "pdf_s": [],
            "receipt_s": [],
            "all_pdfs_s": [],
            "handoff_s": [],
            "worker_cpu_ms": [],
        }
        for p in paths
    }
    missing = 0
    try:
        time.sleep(3)  # the workers import Django and WeasyPrint before the first poll

        def bare_prepare(number: int) -> None:
            # The connection is open before the release, as for a submission.
            Application.objects.filter(pk=baseline_apps[number].pk).exists()

        def bare_job(number: int) -> list[float]:
            cpu, started = time.process_time(), time.perf_counter()
            Application.objects.filter(pk=baseline_apps[number].pk).update(
                status="received",
                submitted_at=datetime.now(UTC),
                submitted_data={"answers": ANSWERS},
            )
            return [(time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000]

        bare: list[float] = []
        bare_cpu: list[float] = []
        batch = 0
        for round_no in range(rounds):
            # The baseline in every round, beside the two paths (A/B/B/A...).
            pairs = run_concurrently(count, bare_job, bare_prepare)
            bare += pairs[0::2]
            bare_cpu += pairs[1::2]
            order = paths if round_no % 2 == 0 else paths[::-1]
            for path in order:
                apps = drafts[batch * count : (batch + 1) * count]
                batch += 1

                loaded: dict[int, Any] = {}
                requests: dict[int, Any] = {}

                def prepare(
                    number: int,
                    apps: list[Any] = apps,
                    loaded: dict[int, Any] = loaded,
                    requests: dict[int, Any] = requests,
                ) -> None:
                    # Before the release, as a server process has them: the draft read
                    # by the view, the connections to the database, cache and layer.
                    loaded[number] = Application.objects.select_related(
                        "jobcenter", "customer__user"
                    ).get(pk=apps[number].pk)
                    requests[number] = customer_request(loaded[number])
                    warm_up()

                def submit_job(
                    number: int,
                    path: str = path,
                    loaded: dict[int, Any] = loaded,
                    requests: dict[int, Any] = requests,
                ) -> list[float]:
                    app = loaded[number]
                    legacy = path.startswith("old")
                    with rows_one_by_one() if legacy else contextlib.nullcontext():
                        cpu, started = time.process_time(), time.perf_counter()
                        services.application_submit(
                            request=requests[number],
                            application=app,
                            idempotency_key=f"bench-{number}",
                        )
                        elapsed = time.perf_counter() - started
                        cpu = time.process_time() - cpu
                    return [elapsed * 1000, cpu * 1000, float(app.pk), time.time()]

                cpu_before = process_cpu_s(pids)
                rows = run_concurrently(count, submit_job, prepare)
                missing += record_batch(figures[path], rows, count, pids, cpu_before)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            # A worker finishes its current task first; a busy machine may take longer.
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)

    result = submit_result(
        figures,
        paths,
        bare,
        bare_cpu,
        count=count,
        rounds=rounds,
        workers=pdf_workers,
        missing=missing,
    )
    result["render"] = render_cpu(drafts[: min(3, len(drafts))], rounds)
    return result


def record_batch(
    figures: dict[str, list[float]],
    rows: list[float],
    count: int,
    pids: list[int],
    cpu_before: float,
) -> int:
    """Wait for the batch's PDFs and hand-offs and add its figures; returns how many of
    them never came."""
    quads = [rows[i : i + 4] for i in range(0, len(rows), 4)]
    done_at = {int(q[2]): q[3] for q in quads}
    figures["submit_ms"] += [q[0] for q in quads]
    figures["submit_cpu_ms"] += [q[1] for q in quads]
    pdf, receipt, handed = wait_until_done(done_at, count)
    figures["worker_cpu_ms"].append((process_cpu_s(pids) - cpu_before) * 1000 / count)
    figures["pdf_s"] += list(pdf.values())
    figures["receipt_s"] += list(receipt.values())
    figures["handoff_s"] += list(handed.values())
    # From the first submission's commit until the batch's last PDF.
    first = min(done_at.values())
    ready = [done_at[pk] + s for pk, s in [*pdf.items(), *receipt.items()]]
    if ready:
        figures["all_pdfs_s"].append(max(ready) - first)
    return 3 * count - len(pdf) - len(receipt) - len(handed)


def wait_until_done(
    done_at: dict[int, float], count: int
) -> tuple[dict[int, float], dict[int, float], dict[int, float]]:
    """Seconds from each submit (wall clock) until its summary PDF and its receipt PDF
    were stored and its hand-off delivered (polled every 50 ms); then until the queue is
    empty."""
    from django_tasks_db.models import DBTaskResult

    from openjobcenter.applications.models import Application, HandoffDelivery

    pdf: dict[int, float] = {}
    receipt: dict[int, float] = {}
    handed: dict[int, float] = {}
    deadline = time.perf_counter() + 120
    while (
        len(pdf) < count or len(receipt) < count or len(handed) < count
    ) and time.perf_counter() < deadline:
        for pk, name, receipt_name in Application.objects.filter(pk__in=list(done_at)).values_list(
            "pk", "pdf_name", "receipt_pdf_name"
        ):
            if name and pk not in pdf:
                pdf[pk] = time.time() - done_at[pk]
            if receipt_name and pk not in receipt:
                receipt[pk] = time.time() - done_at[pk]
        for pk, at in HandoffDelivery.objects.filter(
            application_id__in=list(done_at), delivered_at__isnull=False
        ).values_list("application_id", "delivered_at"):
            if at is not None:
                handed.setdefault(pk, at.timestamp() - done_at[pk])
        time.sleep(0.05)
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        if time.perf_counter() > deadline:
            break
        time.sleep(0.05)
    return pdf, receipt, handed


def submit_result(
    figures: dict[str, dict[str, list[float]]],
    paths: tuple[str, str],
    bare: list[float],
    bare_cpu: list[float],
    *,
    count: int,
    rounds: int,
    workers: int,
    missing: int,
) -> dict[str, Any]:
    def seconds(values: list[float]) -> dict[str, Any]:
        ordered = sorted(values)
        return {
            "n": len(ordered),
            "p50": round(percentile(ordered, 50), 3),
            "p95": round(percentile(ordered, 95), 3),
            "max": round(ordered[-1], 3) if ordered else None,
        }

    timings = [
        summary(
            "bare UPDATE (baseline)",
            bare,
            cpu_ms=round(statistics.fmean(bare_cpu), 2) if bare_cpu else 0.0,
        )
    ]
    per_path: dict[str, Any] = {}
    for path in paths:
        f = figures[path]
        timings.append(
            summary(
                f"submit, {path}",
                f["submit_ms"],
                cpu_ms=round(statistics.fmean(f["submit_cpu_ms"]), 2),
            )
        )
        per_path[path] = {
            "pdf_ready_s": seconds(f["pdf_s"]),
            "receipt_ready_s": seconds(f["receipt_s"]),
            "all_pdfs_of_batch_s": seconds(f["all_pdfs_s"]),
            "handoff_delivered_s": seconds(f["handoff_s"]),
            "worker_cpu_ms_per_submit": round(statistics.fmean(f["worker_cpu_ms"]), 1),
        }
    bare_row, old, new = timings
    new_path = per_path[paths[1]]
    ratios = {
        "submit_p95_new_over_bare": _ratio(new["p95_ms"], bare_row["p95_ms"]),
        "submit_cpu_new_over_bare": _ratio(new["cpu_ms"], bare_row["cpu_ms"]),
        "submit_p95_new_over_old": round(new["p95_ms"] / old["p95_ms"], 2)
        if old["p95_ms"]
        else None,
        "submit_cpu_new_over_old": round(new["cpu_ms"] / old["cpu_ms"], 2)
        if old["cpu_ms"]
        else None,
        "handoff_p95_new_over_old": _ratio(
            new_path["handoff_delivered_s"]["p95"],
            per_path[paths[0]]["handoff_delivered_s"]["p95"],
        ),
        "pdf_p95_new_over_old": _ratio(
            new_path["pdf_ready_s"]["p95"], per_path[paths[0]]["pdf_ready_s"]["p95"]
        ),
        "all_pdfs_max_new_over_old": _ratio(
            new_path["all_pdfs_of_batch_s"]["max"],
            per_path[paths[0]]["all_pdfs_of_batch_s"]["max"],
        ),
        "worker_cpu_new_over_old": _ratio(
            new_path["worker_cpu_ms_per_submit"], per_path[paths[0]]["worker_cpu_ms_per_submit"]
        ),
    }
    pdf_max = new_path["all_pdfs_of_batch_s"]["max"]
    return {
        "concurrent": count,
        "rounds": rounds,
        "pdf_workers": workers,
        "timings": timings,
        "paths": per_path,
        "ratios": ratios,
        "missing": missing,
        "target_submit_p95_ms": SUBMIT_TARGET_MS,
        "target_pdf_s": PDF_TARGET_S,
        "pass": new["p95_ms"] < SUBMIT_TARGET_MS
        and missing == 0
        and pdf_max is not None
        and pdf_max < PDF_TARGET_S,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None
