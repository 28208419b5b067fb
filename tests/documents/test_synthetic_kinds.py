"""The documents benchmark's varied pages (``documents/synthetic_kinds.py``): every kind
renders, is repeatable by seed, differs between seeds, and its words name the kind the
pipeline's suggestion rules know (so the benchmark's "kind right" column measures OCR,
not a mismatch between the generator and the rules)."""

from __future__ import annotations

import random

import pytest

from openjobcenter.documents.pipeline.assemble import KIND_RULES, suggest_kind
from openjobcenter.documents.synthetic_kinds import KINDS, Page, render_kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_renders_repeatably_and_is_recognised_from_its_words(kind: str) -> None:
    page = render_kind(kind, 3)
    assert page.image.size == (1654, 2339)
    assert len(page.text.split()) > 30
    assert render_kind(kind, 3).text == page.text
    assert render_kind(kind, 4).text != page.text
    # Some ink on the page, most of it white paper.
    histogram = page.image.histogram()
    dark = sum(histogram[:128]) / sum(histogram)
    assert 0.002 < dark < 0.2
    if kind == "other":
        assert suggest_kind(page.text) == ""
    else:
        assert kind in KIND_RULES
        assert suggest_kind(page.text) == kind


def test_the_pages_use_several_font_families() -> None:
    families = {Page(random.Random(seed)).body.path for seed in range(40)}
    assert len(families) >= 5
