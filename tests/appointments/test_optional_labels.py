"""The form renderer (web/forms/field.html) marks optional fields "(freiwillig)" itself; a
label that carries the marker too reads "(freiwillig) (freiwillig)". Checked for every
form of the project, so the marker lives in one place."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import openjobcenter


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(openjobcenter.__path__, "openjobcenter."):
        if ".forms" in module.name and ".tests" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("openjobcenter.") and sub not in found:
                found.append(sub)
            todo.append(sub)
    return found


def test_no_label_carries_the_optional_marker() -> None:
    classes = _all_form_classes()
    assert any(c.__name__ == "CannotComeForm" for c in classes)
    doubled = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if "freiwillig" in str(field.label or "").lower()
        or "optional" in str(field.label or "").lower()
    ]
    assert doubled == []
