"""Benchmark of the documents pipeline on realistic phone photos.

Run with ``.venv/bin/python bench/documents.py [--pages 10] [--json FILE] [--smoke]``.

Each photo is generated from a varied page (``documents/synthetic_kinds.py``, round-robin
over the kinds: payslip, bank statement, tenancy agreement, service-charge statement,
heating bill, child benefit notice, termination notice, a free letter; six font families
in several sizes; random names, addresses, dates, amounts and text, seeded), placed at an
angle and in perspective on a textured table, a shadow across the page, uneven light, sensor noise,
slight blur, 12 megapixels, JPEG quality 90. Measured, one core per process:

- time per page through the page steps (type, limits, scan, metadata, page detection,
  perspective, deskew, quality, light, compression) plus PDF assembly, without OCR
  (target p95 < 1 s) and with OCR (Tesseract ``deu``);
- pages per minute with two worker processes (without OCR);
- output size per A4 page (single-page PDF; target < 200 KB);
- Tesseract character accuracy (1 - Levenshtein distance / length of the known text) on
  the output page, next to the same on the raw photo (target >= 98 %), over all pages and
  per document kind, with how often the pipeline's kind suggestion names the right kind;
- baseline in the same run: the photo put into a PDF by img2pdf, no clean-up (time, size,
  accuracy = the raw photo's);
- the pipeline as it was before (``bench/documents_before.py``: Tesseract started as a
  program per page, the page and preview encoding of then) beside the current one, per
  page in alternating order (A/B, B/A): without OCR, with OCR, and OCR alone on the same
  cleaned page (CPU of this process and of a Tesseract child), with word accuracy and CPU
  p95 per kind for both, and whether the stored page's pixels are the same.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# One core per process: OpenCV, OpenMP (Tesseract) and BLAS would otherwise fan out.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import SMOKE_HELP, smoke_require


def _setup() -> None:
    import cv2
    import django

    cv2.setNumThreads(1)
    django.setup()


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def normalise(text: str) -> str:
    return " ".join(text.split())


def char_accuracy(found: str, truth: str) -> float:
    t, f = normalise(truth), normalise(found)
    return max(0.0, 1 - levenshtein(f, t) / max(1, len(t)))


def word_accuracy(found: str, truth: str) -> float:
    """Share of the page's words that OCR found exactly, in any order. Tesseract reads a
    table column by column ("--psm 3"), so the character accuracy above (which follows the
    reading order) counts a perfectly read table as wrong; this one does not."""
    from collections import Counter

    want = Counter(truth.split())
    got = Counter(found.split())
    return sum((want & got).values()) / max(1, sum(want.values()))


def make_photos(n: int, megapixels: float = 12.0) -> list[tuple[bytes, str, str]]:
    """(photo, known text, kind) for ``n`` pages, the kinds in turn."""
    from openjobcenter.documents.synthetic import make_photo
    from openjobcenter.documents.synthetic_kinds import KINDS, render_kind

    kinds = list(KINDS)
    photos = []
    for seed in range(n):
        kind = kinds[seed % len(kinds)]
        page = render_kind(kind, seed)
        photo = make_photo(page.image, seed=seed, megapixels=megapixels, quality=90)
        photos.append((photo, page.text, kind))
    return photos


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as one)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def process(photo: bytes, *, ocr: bool, before: bool = False) -> tuple[float, float, Any, Any]:
    """(wall s, CPU s, cleaned page, document result) of one page through the pipeline;
    ``before``: with the code as it was before (``bench/documents_before.py``)."""
    from contextlib import nullcontext

    from bench import documents_before
    from openjobcenter.documents.pipeline import PageInput, run_document, run_page

    with documents_before.patched() if before else nullcontext():
        start, cpu = time.perf_counter(), cpu_s()
        page = run_page(PageInput(photo))
        result = run_document([page], ocr=ocr)
        return time.perf_counter() - start, cpu_s() - cpu, page, result


def same_pixels(a: Any, b: Any) -> bool:
    import numpy as np

    from openjobcenter.documents.pipeline.imaging import decode_page

    return a.mime == b.mime and bool(np.array_equal(decode_page(a.data), decode_page(b.data)))


def _worker_init() -> None:
    _setup()


def _worker(photo: bytes) -> float:
    return process(photo, ocr=False)[0]


def ocr_raw(photo: bytes) -> str:
    import pytesseract  # type: ignore[import-untyped]
    from PIL import Image

    return str(pytesseract.image_to_string(Image.open(io.BytesIO(photo)), lang="deu"))


def baseline(photo: bytes) -> tuple[float, float, int]:
    import img2pdf  # type: ignore[import-untyped]

    start, cpu = time.perf_counter(), cpu_s()
    pdf = img2pdf.convert(photo)
    return time.perf_counter() - start, cpu_s() - cpu, len(pdf or b"")


def print_kinds(
    figures: dict[str, Any],
    by_kind: dict[str, list[tuple[float, bool, float, float]]],
    before: dict[str, list[tuple[float, bool, float, float]]],
) -> None:
    """Per document kind: word and character accuracy, kind suggestion, CPU per page with
    OCR; the baseline (former OCR call) beside it."""
    print(
        f"\n{'kind':26} {'pages':>5} {'words mean':>10} {'min':>6} {'chars mean':>10} "
        f"{'kind right':>10} {'CPU p95 s':>9} | {'before: words':>13} {'CPU p95 s':>9}"
    )
    per_kind = {}
    for kind, rows in by_kind.items():
        words = [w for w, _r, _c, _a in rows]
        per_kind[kind] = {
            "pages": len(rows),
            "word_accuracy_mean": statistics.mean(words),
            "word_accuracy_min": min(words),
            "char_accuracy_mean": statistics.mean(a for _w, _r, _c, a in rows),
            "kind_suggestion_right": sum(r for _w, r, _c, _a in rows) / len(rows),
            "ocr_cpu_s_p95": pct([c for _w, _r, c, _a in rows], 95),
            "before_word_accuracy_mean": statistics.mean(w for w, _r, _c, _a in before[kind]),
            "before_ocr_cpu_s_p95": pct([c for _w, _r, c, _a in before[kind]], 95),
        }
        k = per_kind[kind]
        print(
            f"{kind:26} {k['pages']:5d} {k['word_accuracy_mean']:10.3f} "
            f"{k['word_accuracy_min']:6.3f} {k['char_accuracy_mean']:10.3f} "
            f"{k['kind_suggestion_right']:10.0%} {k['ocr_cpu_s_p95']:9.2f} | "
            f"{k['before_word_accuracy_mean']:13.3f} {k['before_ocr_cpu_s_p95']:9.2f}"
        )
    figures["per_kind"] = per_kind


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:  # noqa: PLR0915 - one interleaved loop and its report, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=16, help="pages (the kinds in turn)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--no-raw-ocr", action="store_true", help="skip OCR of raw photos")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.pages, args.no_raw_ocr = 1, True
    _setup()

    t0 = time.perf_counter()
    photos = make_photos(args.pages, megapixels=3.0 if args.smoke else 12.0)
    print(f"generated {len(photos)} photos in {time.perf_counter() - t0:.1f} s")
    process(photos[0][0], ocr=True)  # warm-up (imports, ICC profile, the OCR model)
    process(photos[0][0], ocr=True, before=True)

    plain, with_ocr, sizes, acc_out, acc_raw, base_t, base_size = [], [], [], [], [], [], []
    plain_cpu, ocr_cpu, base_cpu = [], [], []
    before_plain_cpu: list[float] = []
    identical: list[bool] = []
    # word accuracy, kind right, CPU s, character accuracy
    by_kind: dict[str, list[tuple[float, bool, float, float]]] = {}
    before_kind: dict[str, list[tuple[float, bool, float, float]]] = {}
    acc_words: list[float] = []
    before_words, before_cpu, before_t = [], [], []
    ocr_alone: list[float] = []
    ocr_alone_before: list[float] = []
    from bench import documents_before
    from openjobcenter.documents.pipeline.assemble import ocr_page

    # Per photo, before and now in alternating order (A/B, B/A): the pipeline without OCR,
    # OCR alone on the same cleaned page, the pipeline with OCR; then the img2pdf baseline.
    for n, (photo, truth, kind) in enumerate(photos):
        order = (False, True) if n % 2 == 0 else (True, False)
        pages = {}
        for old in order:
            seconds, cpu, page, result = process(photo, ocr=False, before=old)
            pages[old] = page
            if old:
                before_plain_cpu.append(cpu)
                continue
            plain.append(seconds)
            plain_cpu.append(cpu)
            sizes.append(len(result.pdf))
        identical.append(same_pixels(pages[False], pages[True]))
        for old in order:
            cpu = cpu_s()
            (documents_before.ocr_page if old else ocr_page)(pages[False])
            (ocr_alone_before if old else ocr_alone).append(cpu_s() - cpu)
        for old in order:
            seconds, cpu, _page, result = process(photo, ocr=True, before=old)
            text, suggested = result.ocr_text, result.suggested_kind
            right = suggested == kind or (kind == "other" and not suggested)
            if old:
                before_t.append(seconds)
                before_cpu.append(cpu)
                before_words.append(word_accuracy(text, truth))
                before_kind.setdefault(kind, []).append(
                    (before_words[-1], right, cpu, char_accuracy(text, truth))
                )
                continue
            with_ocr.append(seconds)
            ocr_cpu.append(cpu)
            acc_out.append(char_accuracy(text, truth))
            acc_words.append(word_accuracy(text, truth))
            by_kind.setdefault(kind, []).append((acc_words[-1], right, cpu, acc_out[-1]))
        if not args.no_raw_ocr:
            acc_raw.append(word_accuracy(ocr_raw(photo), truth))
        bt, bc, bs = baseline(photo)
        base_t.append(bt)
        base_cpu.append(bc)
        base_size.append(bs)

    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2, initializer=_worker_init) as pool:
        list(pool.map(_worker, [p for p, _t, _k in photos]))
    two_workers = len(photos) / (time.perf_counter() - start) * 60

    figures: dict[str, Any] = {
        "pages": len(photos),
        "pipeline_s_p50": statistics.median(plain),
        "pipeline_s_p95": pct(plain, 95),
        "pipeline_ocr_s_p50": statistics.median(with_ocr),
        "pipeline_ocr_s_p95": pct(with_ocr, 95),
        "pipeline_cpu_s_per_page_mean": statistics.mean(plain_cpu),
        "pipeline_cpu_s_per_page_p95": pct(plain_cpu, 95),
        "before_pipeline_cpu_s_per_page_mean": statistics.mean(before_plain_cpu),
        "pipeline_cpu_mean_after_over_before": statistics.mean(plain_cpu)
        / statistics.mean(before_plain_cpu),
        "stored_page_pixels_identical": sum(identical) / len(identical),
        "pipeline_ocr_cpu_s_per_page_mean": statistics.mean(ocr_cpu),
        "pipeline_ocr_cpu_s_per_page_p95": pct(ocr_cpu, 95),
        "before_pipeline_ocr_s_p95": pct(before_t, 95),
        "before_pipeline_ocr_cpu_s_per_page_mean": statistics.mean(before_cpu),
        "before_pipeline_ocr_cpu_s_per_page_p95": pct(before_cpu, 95),
        "ocr_cpu_p95_after_over_before": pct(ocr_cpu, 95) / pct(before_cpu, 95),
        "ocr_cpu_mean_after_over_before": statistics.mean(ocr_cpu) / statistics.mean(before_cpu),
        "ocr_alone_cpu_s_mean": statistics.mean(ocr_alone),
        "ocr_alone_cpu_s_p95": pct(ocr_alone, 95),
        "before_ocr_alone_cpu_s_mean": statistics.mean(ocr_alone_before),
        "before_ocr_alone_cpu_s_p95": pct(ocr_alone_before, 95),
        "ocr_alone_cpu_mean_after_over_before": statistics.mean(ocr_alone)
        / statistics.mean(ocr_alone_before),
        "pages_per_min_two_workers": two_workers,
        "output_kb_per_page_mean": statistics.mean(sizes) / 1024,
        "output_kb_per_page_max": max(sizes) / 1024,
        "word_accuracy_output_mean": statistics.mean(acc_words),
        "word_accuracy_output_min": min(acc_words),
        "char_accuracy_output_mean": statistics.mean(acc_out),
        "char_accuracy_output_min": min(acc_out),
        "before_word_accuracy_output_mean": statistics.mean(before_words),
        "before_word_accuracy_output_min": min(before_words),
        "word_accuracy_raw_photo_mean": statistics.mean(acc_raw) if acc_raw else None,
        "baseline_img2pdf_s_p95": pct(base_t, 95),
        "baseline_img2pdf_cpu_s_mean": statistics.mean(base_cpu),
        "baseline_img2pdf_kb_mean": statistics.mean(base_size) / 1024,
    }
    print(f"{'measure':38} {'value':>10}")
    for key, value in figures.items():
        shown = "-" if value is None else f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key:38} {shown:>10}")
    print_kinds(figures, by_kind, before_kind)
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verdict = (
        figures["pipeline_s_p95"] < 1.0
        and figures["output_kb_per_page_max"] < 200
        and figures["word_accuracy_output_mean"] >= 0.98
    )
    print(
        "targets (p95 < 1 s, < 200 KB/page, word accuracy >= 98 %):",
        "PASS" if verdict else "FAIL",
    )
    ocr_ok = figures["pipeline_ocr_cpu_s_per_page_p95"] <= 1.0
    print(
        "target with OCR (p95 <= 1 s per page on one core, by CPU):",
        "PASS" if ocr_ok else "FAIL",
    )
    if args.smoke:
        smoke_require(all(sizes) and min(sizes) > 1000, "the pipeline produced no PDF")
        smoke_require(acc_words and min(acc_words) > 0.5, "OCR of the output page found no text")
    if args.json:
        with Path(args.json).open("w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=2)


if __name__ == "__main__":
    main()
