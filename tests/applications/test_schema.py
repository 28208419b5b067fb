"""The published JSON Schema of submitted data: valid schema, real data validates,
broken data does not."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from openjobcenter.applications import engine, schema

FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _real_submission() -> dict[str, Any]:
    """What ``services.build_submission`` makes for a single person (built without the DB)."""
    answers: dict[str, dict[str, Any]] = {
        "filing": {
            "first_name": "Karl",
            "last_name": "Kunde",
            "birth_date": "1985-04-12",
            "street": "Hauptstraße 1",
            "postcode": "36037",
            "city": "Fulda",
            "email": "kunde@example.org",
        },
        "housing": {
            "kind": "rent",
            "cold_rent": "500.00",
            "service_charges": "100.00",
            "heating_kind": "central",
            "heating_costs": "90.00",
            "hot_water": "central",
            "floor_space": "45",
            "moved_in": "2020-01-01",
            "cold_rent_confirmed": True,
        },
        "income:p1": {
            "kinds": ["employment"],
            "employer": "X",
            "gross_earnings": "600.00",
            "net_earnings": "480.00",
        },
        "declarations": {"truthful": True, "report_changes": True, "data_processing": True},
    }
    parsed = engine.Answers(answers)
    return {
        "$schema": f"{schema.BASE_ID}/application/1",
        "form": {"key": "initial", "version": 1},
        "kind": "initial",
        "reference": "EA-2026-ABCDEFGH",
        "jobcenter": "fulda",
        "customer_number": None,
        "filed_at": "2026-01-15T10:00:00+00:00",
        "submitted_at": "2026-01-15T11:00:00+00:00",
        "persons": [p.as_json() for p in parsed.persons],
        "answers": answers,
        "proofs": [{"kind": "payslip", "person_id": "p1"}],
    }


@pytest.mark.parametrize("version", schema.versions()["application"])
def test_published_schemas_are_valid_json_schema(version: int) -> None:
    jsonschema.Draft202012Validator.check_schema(schema.application_schema(version))


def test_schema_id_matches_what_submissions_name() -> None:
    from openjobcenter.applications.services import SCHEMA_ID

    assert schema.application_schema(1)["$id"] == SCHEMA_ID


def test_submission_validates() -> None:
    jsonschema.validate(
        _real_submission(), schema.application_schema(1), format_checker=FORMAT_CHECKER
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("answers", "housing", "cold_rent"), "-5"),
        (("answers", "housing", "kind"), "castle"),
        (("answers", "housing", "unknown_field"), "x"),
        (("answers", "nope"), {}),
        (("answers", "income:x9"), {}),
        (("answers", "filing", "birth_date"), "12.04.1985"),
        (("form", "version"), 2),
        (("kind",), "other"),
    ],
)
def test_broken_submissions_do_not_validate(path: tuple[str, ...], value: Any) -> None:
    data = _real_submission()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema.application_schema(1), format_checker=FORMAT_CHECKER)


def test_every_form_key_has_a_branch() -> None:
    published = schema.application_schema(1)
    keys = {b["if"]["properties"]["form"]["properties"]["key"]["const"] for b in published["allOf"]}
    assert keys == {d.key for d in engine.all_definitions() if d.version == 1}


def test_unknown_schema_is_keyerror() -> None:
    with pytest.raises(KeyError):
        schema.get_schema("application", 999)
    with pytest.raises(KeyError):
        schema.get_schema("other", 1)
    assert copy.deepcopy(schema.application_schema(1))


def test_fields_with_a_fim_identifier_carry_it() -> None:
    """The FIM data-field identifiers (applications/fim.py, sources in docs/handoff.md) are
    on every form's fields that have one, and on the household members; others have none."""
    for version in schema.versions()["application"]:
        published = schema.application_schema(version)
        for branch in published["allOf"]:
            filing = branch["then"]["properties"]["answers"]["properties"]["filing"]["properties"]
            assert filing["last_name"]["x-fim-id"] == "F60000227"
            assert filing["first_name"]["x-fim-id"] == "F60000228"
            assert filing["birth_date"]["x-fim-id"] == "G60000083"
            assert filing["postcode"]["x-fim-id"] == "F60000246"
            assert filing["city"]["x-fim-id"] == "F60000247"
            assert "x-fim-id" not in filing["street"]  # street and number: no single field
            assert "x-fim-id" not in filing["email"]
        member = published["$defs"]["member"]["properties"]
        assert member["last_name"]["x-fim-id"] == "F60000227"
        jsonschema.Draft202012Validator.check_schema(published)
