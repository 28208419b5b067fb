"""Benchmark of check-in at reception (issue 21) over a real server and real sockets.

    .venv/bin/python bench/checkin.py                # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/checkin.py --sqlite       # the embedded default (in-memory layer)
    .venv/bin/python bench/checkin.py --smoke        # seconds, tiny data (bench/smoke.py)

uvicorn serves the ASGI application in a process of its own; this process builds the data
and is the client, speaking HTTP (httpx) and WebSockets (websockets) like browsers do. Two parts:

(a) **Scan → check-in**, at ``--rate`` (20) scans/s, interleaved one by one (A/B/A/B):
    - baseline **lookup by number**: reception's plain lookup, ``POST .../staff/scan``
      with the customer number;
    - **card scan + check-in**: ``POST .../staff/scan`` with the card's QR payload, then
      ``POST .../staff/check-in``; timed until the customer's own socket (``/ws/chat/``,
      logged in as the customer) receives the ``home`` event that makes the phone show
      "Sie sind angemeldet …".
    Reported per case: server time (``Server-Timing: app``, the sum of the case's
    requests) p50/p95, the server's CPU (``Server-Timing: cpu``) per operation, and for
    the check-in the client-side time until the socket had the event.
(b) **Waiting-room display**: an advisor calls the next person (``POST .../call-next``)
    at ``--call-rate`` (5/s); the display's socket (``/ws/wartebereich/...``, opened with
    its link's token) is timed from the request being sent to the ``call`` frame with that
    number arriving.

One uvicorn process runs Django's synchronous code in one thread (``thread_sensitive``), so
the server time includes the wait for that thread: ``--workers`` starts more processes
(PostgreSQL and Redis only), as production runs several. Targets: check-in p95 < 300 ms
server time at 20 scans/s; the display has the call in
< 1 s (p95). Each reception device may scan 60 times a minute (``reception.ratelimit``):
the load is spread over as many reception sessions as that needs, as on a busy day with
several desks. Load generator and server share the machine: read the load printed first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/checkin.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    add_database_args,
    bench_database,
    check_database_args,
    pool_env,
    python_speed_ms,
    setup_bench_django,
    smoke_require,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "ojc_bench_checkin"
TARGET_CHECKIN_P95_MS = 300.0
TARGET_DISPLAY_P95_MS = 1000.0
SCANS_PER_DEVICE = 50  # below the device limit of 60 a minute


def setup_django(database: str, base_dir: Path, redis_url: str | None) -> None:
    setup_bench_django(
        database, base_dir, name="checkin", redis_url=redis_url, pool=pool_env(size=8, minimum=1)
    )


def build_world(customers: int) -> dict[str, Any]:
    """Fulda with reception set up; ``customers`` customers, each with a card and an
    appointment on site in the next minutes (the run must not cross midnight); sessions for reception, the advisor and
    each customer."""
    from datetime import timedelta

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone
    from tests.conftest import login_with_mfa, make_staff

    from openjobcenter.accounts.models import CustomerProfile, Role, User
    from openjobcenter.appointments.models import Appointment, AppointmentType, Channel, Status
    from openjobcenter.cards.services import card_issue
    from openjobcenter.reception import services_config
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter, Office

    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    fulda.enabled_modules = sorted(
        {*fulda.enabled_modules, "appointments", "customer_card", "messaging"}
    )
    fulda.save()
    admin = make_staff(fulda, Role.ADMIN, "admin@bench.example.org")
    # Ten advisors with one-minute appointments side by side: PostgreSQL refuses
    # overlapping appointments of one person (``appointment_no_overlap``).
    advisors = [
        make_staff(fulda, Role.JOB_ADVISOR, f"advisor{k}@bench.example.org") for k in range(10)
    ]
    advisor = advisors[0]
    devices = max(1, -(-customers // SCANS_PER_DEVICE))
    desks = [
        make_staff(fulda, Role.RECEPTION, f"empfang{i}@bench.example.org") for i in range(devices)
    ]
    kind = AppointmentType.objects.create(
        jobcenter=fulda, name="Beratung", duration_min=30, channels=["in_person"]
    )
    office = Office.objects.filter(jobcenter=fulda).first()
    area = services_config.area_save(
        request=None, actor=admin, jobcenter=fulda, area=None, name="B", prefix="A", active=True
    )
    desk = services_config.desk_save(
        request=None,
        actor=admin,
        jobcenter=fulda,
        desk=None,
        area=area,
        name="Platz 3",
        active=True,
    )
    _display, token = services_config.display_create(
        request=None, actor=admin, jobcenter=fulda, area=area, name="Flur"
    )
    cookie = settings.SESSION_COOKIE_NAME
    people = []
    for i in range(customers):
        # No password (its hashing would dominate the set-up); the session logs them in.
        user = User.objects.create_user(
            email=f"kunde{i}@bench.example.org", password=None, first_name="Karl", last_name="Kunde"
        )
        customer = CustomerProfile.objects.create(
            user=user, jobcenter=fulda, customer_number=f"B-{10000 + i}", city="Fulda"
        )
        client = Client()
        client.force_login(customer.user)
        people.append(
            {
                "id": customer.pk,
                "number": customer.customer_number,
                "payload": card_issue(customer=customer).payload,
                "session": client.cookies[cookie].value,
            }
        )
    # The appointments last: they must still be ahead when the scans begin.
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=2)
    Appointment.objects.bulk_create(
        Appointment(
            jobcenter=fulda,
            type=kind,
            customer_id=int(str(person["id"])),
            staff=advisors[i % len(advisors)],
            office=office,
            channel=Channel.IN_PERSON,
            status=Status.BOOKED,
            starts_at=start + timedelta(minutes=i // len(advisors)),
            ends_at=start + timedelta(minutes=i // len(advisors) + 1),
        )
        for i, person in enumerate(people)
    )
    return {
        "cookie": cookie,
        "people": people,
        "reception": [login_with_mfa(Client(), u).cookies[cookie].value for u in desks],
        "advisor": login_with_mfa(Client(), advisor).cookies[cookie].value,
        "desk": desk.pk,
        "display": token,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, log: Path, workers: int) -> Any:
    """uvicorn in a process of its own (its own GIL and CPU), on this run's database and
    settings (the environment ``setup_django`` set)."""
    import subprocess
    import urllib.request

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "openjobcenter.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit(f"uvicorn did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.2)


def timing(response: Any) -> tuple[float, float]:
    """(app ms, cpu ms) from the response's Server-Timing header."""
    parts = dict(
        part.strip().split(";dur=") for part in response.headers["server-timing"].split(",")
    )
    return float(parts["app"]), float(parts["cpu"])


class Staff:
    """One logged-in staff session over HTTP, with its CSRF token."""

    def __init__(self, base: str, cookie: str, session: str) -> None:
        import httpx

        self.client = httpx.AsyncClient(base_url=base, cookies={cookie: session}, timeout=30)

    async def ready(self, jc: str) -> None:
        await self.client.get(f"/{jc}/staff/empfang/aufrufe/")
        token = self.client.cookies.get("csrftoken") or ""
        self.client.headers.update({"X-CSRFToken": token, "Referer": str(self.client.base_url)})

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self.client.post(path, json=body)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
        return response


async def run(  # noqa: PLR0915 - one linear run, both parts
    base: str, world: dict[str, Any], rate: float, call_rate: float, calls: int
) -> list[dict[str, Any]]:
    import websockets

    api = "/api/v1/reception/fulda/staff"
    ws_base = base.replace("http://", "ws://")
    from websockets.typing import Origin

    origin = Origin(base)
    desks = [Staff(base, world["cookie"], s) for s in world["reception"]]
    for desk in desks:
        await desk.ready("fulda")
    people = world["people"]
    samples: dict[str, list[float]] = {"lookup": [], "checkin": [], "checkin_socket": []}
    cpu: dict[str, list[float]] = {"lookup": [], "checkin": []}

    async def lookup(i: int, person: dict[str, Any]) -> None:
        response = await desks[i // SCANS_PER_DEVICE % len(desks)].post(
            f"{api}/scan", {"code": person["number"]}
        )
        app, used = timing(response)
        samples["lookup"].append(app)
        cpu["lookup"].append(used)

    async def checkin(i: int, person: dict[str, Any], sock: Any) -> None:
        desk = desks[i // SCANS_PER_DEVICE % len(desks)]
        began = time.perf_counter()
        first = await desk.post(f"{api}/scan", {"code": person["payload"]})
        second = await desk.post(f"{api}/check-in", {"customer_id": first.json()["customer_id"]})
        while True:
            frame = json.loads(await asyncio.wait_for(sock.recv(), 10))
            if frame.get("type") == "home":
                break
        samples["checkin_socket"].append((time.perf_counter() - began) * 1000)
        (a1, c1), (a2, c2) = timing(first), timing(second)
        samples["checkin"].append(a1 + a2)
        cpu["checkin"].append(c1 + c2)

    # The customers of the check-in half open their phones' sockets first.
    sockets = {}
    for person in people[1::2]:
        sockets[person["id"]] = await websockets.connect(
            f"{ws_base}/ws/chat/",
            additional_headers={"Cookie": f"{world['cookie']}={person['session']}"},
            origin=origin,
        )
    tasks = []
    t0 = time.perf_counter()
    for i, person in enumerate(people):
        due = t0 + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if i % 2 == 0:
            tasks.append(asyncio.create_task(lookup(i, person)))
        else:
            tasks.append(asyncio.create_task(checkin(i, person, sockets[person["id"]])))
    await asyncio.gather(*tasks)
    achieved = len(people) / (time.perf_counter() - t0)
    for sock in sockets.values():
        await sock.close()

    # (b) The display: the advisor calls the checked-in people, one by one.
    advisor = Staff(base, world["cookie"], world["advisor"])
    await advisor.ready("fulda")
    display = await websockets.connect(
        f"{ws_base}/ws/wartebereich/fulda/{world['display']}/", origin=origin
    )
    delivery: list[float] = []
    call_app: list[float] = []
    call_cpu: list[float] = []
    for _ in range(calls):
        began = time.perf_counter()
        response = await advisor.post(f"{api}/call-next", {"desk_id": world["desk"]})
        number = response.json()["number"]
        while True:
            frame = json.loads(await asyncio.wait_for(display.recv(), 10))
            if frame.get("number") == number:
                break
        delivery.append((time.perf_counter() - began) * 1000)
        app, used = timing(response)
        call_app.append(app)
        call_cpu.append(used)
        await asyncio.sleep(1 / call_rate)
    await display.close()
    for staff in [*desks, advisor]:
        await staff.client.aclose()

    def cpu_p50(values: list[float]) -> float:
        return round(sorted(values)[len(values) // 2], 2) if values else 0.0

    return [
        summary(
            "A lookup by customer number (server)",
            samples["lookup"],
            cpu_p50_ms=cpu_p50(cpu["lookup"]),
        ),
        summary(
            "B card scan + check-in (server)",
            samples["checkin"],
            cpu_p50_ms=cpu_p50(cpu["checkin"]),
            achieved_rate=round(achieved, 1),
        ),
        summary("B ... until the customer's socket has it", samples["checkin_socket"]),
        summary("call-next (server)", call_app, cpu_p50_ms=cpu_p50(call_cpu)),
        summary("call-next until the display has it", delivery),
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=400, help="scans in all (half each case)")
    parser.add_argument("--rate", type=float, default=20.0, help="scans per second")
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--call-rate", type=float, default=5.0)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (more than one needs PostgreSQL and Redis)",
    )
    add_database_args(parser, db_name=DB_NAME)
    args = parser.parse_args(argv)
    if args.smoke:
        args.scans, args.calls = 12, 3
    check_database_args(parser, args, db_name=DB_NAME)
    args.calls = min(args.calls, args.scans // 2)
    if args.workers > 1 and args.sqlite:
        parser.error(
            "--workers > 1 needs PostgreSQL and Redis (the in-memory layer is per process)"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with bench_database(args, name="checkin") as (database, base_dir):
        server = None
        try:
            setup_django(database, base_dir, None if args.sqlite else args.redis_url)
            world = build_world(args.scans)
            port = free_port()
            server = start_server(port, base_dir / "uvicorn.log", args.workers)
            results = asyncio.run(
                run(f"http://127.0.0.1:{port}", world, args.rate, args.call_rate, args.calls)
            )
        finally:
            if server is not None:
                server.terminate()
                server.wait(10)
    describe = {
        "database": "SQLite, in-memory layer"
        if args.sqlite
        else f"PostgreSQL ({args.db_name} on 127.0.0.1), Redis cache and layer",
        "load_average": None if load is None else round(load, 2),
        "python_speed_ms": python_speed_ms(),
        "scans": args.scans,
        "rate": args.rate,
        "workers": args.workers,
    }
    print(json.dumps(describe))
    print(f"{'case':44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50 ms':>10}")
    for r in results:
        cpu_text = f"{r['cpu_p50_ms']:10.2f}" if "cpu_p50_ms" in r else f"{'':>10}"
        print(
            f"{r['name']:44} {r['n']:4d} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['max_ms']:8.2f} {cpu_text}"
        )
    base, checkin, display = results[0], results[1], results[4]
    print(
        f"check-in / lookup: p50 x{checkin['p50_ms'] / max(base['p50_ms'], 0.01):.2f}, "
        f"p95 x{checkin['p95_ms'] / max(base['p95_ms'], 0.01):.2f}, "
        f"cpu x{checkin['cpu_p50_ms'] / max(base['cpu_p50_ms'], 0.01):.2f}; "
        f"achieved {checkin['achieved_rate']} scans/s"
    )
    ok_checkin = checkin["p95_ms"] < TARGET_CHECKIN_P95_MS
    ok_display = display["p95_ms"] < TARGET_DISPLAY_P95_MS
    print(
        f"target: check-in p95 < {TARGET_CHECKIN_P95_MS:.0f} ms server time:",
        "PASS" if ok_checkin else "FAIL",
    )
    print(
        f"target: display has the call p95 < {TARGET_DISPLAY_P95_MS:.0f} ms:",
        "PASS" if ok_display else "FAIL",
    )
    if args.smoke:
        smoke_require(base["n"] == args.scans // 2, "lookups missing")
        smoke_require(checkin["n"] == args.scans - args.scans // 2, "check-ins missing")
        smoke_require(display["n"] == args.calls, "display calls missing")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"describe": describe, "results": results}, indent=2))
    return 0 if (ok_checkin and ok_display) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
