"""``web.forms.PlainSelect`` (a select written out in Python, issue 20's CPU target) gives
the HTML of Django's template-rendered select, byte for byte: escaped values and labels,
the selected option, boolean and left-out attributes, option groups."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from openjobcenter.web.forms import PlainSelect

CHOICES: list[Any] = [
    ("", gettext_lazy("Alle")),
    ("a&b", 'Müller <b>"&"</b>'),
    (7, "sieben"),
    ("Gruppe <1>", [("x", "Ix"), ("y", gettext_lazy("Mir zugewiesen"))]),
    ("z", "Zett"),
]


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        ("", None),
        ("a&b", {"id": "id_f", "aria-describedby": 'h "1"'}),
        ("7", {"id": "id_f", "required": True, "disabled": False}),
        ("y", {"data-x": "<&>"}),
        (None, {}),
    ],
)
def test_plain_select_is_the_html_of_djangos_select(value: Any, attrs: Any) -> None:
    with translation.override("en"):
        plain = PlainSelect(choices=CHOICES).render("f<", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("f<", value, attrs=attrs)
    assert plain == django
    assert "<b>" not in plain


def test_a_form_field_with_a_plain_select_renders_as_before() -> None:
    class Plain(forms.Form):
        f = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect)

    class Templated(forms.Form):
        f = forms.ChoiceField(choices=CHOICES, required=False)

    assert str(Plain({"f": "x"})) == str(Templated({"f": "x"}))
    assert '<option value="x" selected>Ix</option>' in str(Plain({"f": "x"}))
