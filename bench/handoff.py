"""Hand-off throughput on one worker: FIT-Connect encryption against the signed JSON push.

Run with ``.venv/bin/python bench/handoff.py [--n 200] [--pdf-kb 200] [--smoke]``.

Per submission, in one process, interleaved (A/B, B/A, …) so load hits both alike:

- baseline ``json_push``: what the signed JSON push spends before the network for an
  application: the canonical JSON envelope and its HMAC-SHA256 signature
  (``handoff/backends.py``; the push carries no files for an application, the receiver
  fetches the PDF);
- ``json_push+files``: the same with the two PDFs inline (base64 and SHA-256, as the push
  sends a document's or an objection's file): the same bytes on the wire as FIT-Connect
  carries, so the ratio shows what the encryption itself costs;
- ``fitconnect``: what the FIT-Connect backend spends before the network
  (``handoff.fitconnect.prepare``): metadata with SHA-512 of data and attachment, the
  checks against the shipped specification, and JWE (RSA-OAEP-256 + A256GCM) of metadata,
  data and a PDF attachment with a 4096-bit destination key.

It prints p50/p95 latency and CPU per submission (thread CPU time) with the ratio to the
baseline, and submissions per minute on one worker from the CPU time. Network, database
and the receiver are left out on purpose: they are the same for any backend and would
only add this machine's load to the figures. Absolute times on a loaded machine mean
little; read the ratio and the load average printed beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import SMOKE_HELP, Timing, print_results, time_interleaved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="submissions per case")
    parser.add_argument("--pdf-kb", type=int, default=200, help="size of the PDF attachment")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.n, args.pdf_kb = 5, 20
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")
    import django

    django.setup()
    from joserfc.jwk import RSAKey

    from openjobcenter.handoff.backends import _inline, canonical_json, sign
    from openjobcenter.handoff.base import HandoffInput
    from openjobcenter.handoff.fitconnect import prepare

    # A 4096-bit key takes seconds to make; the smoke run uses 2048 bits.
    bits = 2048 if args.smoke else 4096
    key = RSAKey.generate_key(bits, private=True)
    public = RSAKey.import_key(key.as_dict(private=False))
    pdf = b"%PDF-1.7\n" + os.urandom(args.pdf_kb * 1024)
    answers = {f"step{i}": {f"field{j}": f"Antwort {i}.{j}" for j in range(12)} for i in range(10)}
    item = HandoffInput(
        application_id=1,
        reference="A-2026-000123",
        kind="initial",
        jobcenter_slug="musterstadt",
        form_key="initial",
        form_version=3,
        submitted_at="2026-12-06T10:00:00+01:00",
        submission_sha256="0" * 64,
        submitted_data={"answers": answers},
        idempotency_key="0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        staff_url="https://jobcenter.example/staff/",
        config={"secret": "ein-langes-geheimnis-123"},
        load_pdf=lambda: pdf,
        attachments=(("7-payslip.pdf", lambda: pdf),),
        metadata={
            "customer_number": "123D456789",
            "document_kind": "initial",
            "date": "2026-12-06",
        },
    )

    def json_push() -> int:
        body = canonical_json(item.envelope())
        sign("ein-langes-geheimnis-123", body)
        return len(body)

    def json_push_files() -> int:
        envelope = item.envelope()
        files = [("summary.pdf", pdf)] + [(name, load()) for name, load in item.attachments]
        envelope["attachments"] = [_inline(name, content) for name, content in files]
        body = canonical_json(envelope)
        sign("ein-langes-geheimnis-123", body)
        return len(body)

    def fitconnect() -> int:
        prepared = prepare(
            item,
            public,
            "enc-1",
            destination_id="3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d",
            leika="urn:de:fim:leika:leistung:99050012104000",
        )
        return sum(len(j) for _, j in prepared.attachments) + len(str(prepared.submit))

    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    results = time_interleaved(
        [
            (Timing("json_push"), json_push),
            (Timing("json_push+files"), json_push_files),
            (Timing("fitconnect"), fitconnect),
        ],
        args.n,
        warmup=2 if args.smoke else 10,
    )
    print(
        f"hand-off per submission, n={args.n}, PDF {args.pdf_kb} KiB (summary + 1 proof), "
        f"RSA {bits} bit; load average {' '.join(load)}"
    )
    print_results(results)
    for r in results:
        cpu = r["cpu_p50_ms"]
        per_min = 60_000 / cpu if cpu else float("inf")
        print(
            f"  {r['name']:<15} ≈ {per_min:>9.0f} submissions/min on one worker (by CPU p50), "
            f"{r.get('bytes', 0)} bytes out"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
