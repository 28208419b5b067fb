"""``web.forms.PlainSelect`` (a select written out in Python, issue 20's CPU target) gives
the HTML of Django's template-rendered select, byte for byte: escaped values and labels,
the selected option, boolean and left-out attributes, option groups."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from openjobcenter.web.forms import PlainFieldsMixin, PlainSelect

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


class _Plain(PlainFieldsMixin, forms.Form):
    q = forms.CharField(label="Suche <&>", help_text='Name "oder" <Nummer>', required=False)
    n = forms.IntegerField(label="Zahl", required=True)
    s = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect)
    d = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _templated(form: forms.Form) -> str:
    """The form through ``web/forms/form.html`` and ``field.html`` (the template path)."""
    return str(form.render(template_name=form.template_name))


@pytest.mark.parametrize(
    "data",
    [None, {"q": 'Mül<ler> & "Co"', "n": "3", "s": "y", "d": "2026-02-01"}, {"q": "x", "n": "z"}],
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_plain_fields_are_the_html_of_the_field_templates(data: Any, language: str) -> None:
    with translation.override(language):
        form = _Plain(data)
        assert str(form) == _templated(form)
        if data and data["n"] == "z":  # errors: the templates render it (the summary)
            assert 'class="error-summary"' in str(form)
        elif language == "en":
            assert '<span class="optional">(optional)</span>' in str(form)


def test_forms_the_fields_cannot_write_out_render_through_the_templates() -> None:
    class WithCheckbox(_Plain):
        c = forms.BooleanField(label="Ja", required=False)

    class WithHidden(_Plain):
        h = forms.CharField(widget=forms.HiddenInput, required=False)

    class WithFieldset(_Plain):
        r = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    for form in (WithCheckbox(), WithHidden(), WithFieldset()):
        assert str(form) == _templated(form)
    assert 'class="field field-checkbox"' in str(WithCheckbox())
    assert 'type="hidden" name="h"' in str(WithHidden())
    assert "<legend>" in str(WithFieldset())
    plain = _Plain()
    assert str(plain.render(renderer=plain.renderer)) == str(plain)
