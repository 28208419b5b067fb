"""The shipped FIT-Connect specification files (``spec/``, see its README) as validators:
the backend checks every request body and every payload against them before it sends,
and the tests' stand-in server checks what it receives against the same files.

The Submission API is FITKO's official OpenAPI file (v1.1.3, ``submission-api.v1.1.3.yaml``;
read from its JSON form ``submission-api.v1.1.3.json``, the same content, so that the
running platform needs no YAML parser). The OAuth token endpoint is not part of it (the
token service is another host): ``token-endpoint.json`` describes the one request."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent / "spec"
METADATA_SCHEMA_URI = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json"


class SpecError(ValueError):
    """A request or a payload does not match the specification (names the first path)."""


SUBMISSION_API = "submission-api.v1.1.3.json"
TOKEN_API = "token-endpoint.json"  # noqa: S105 - a file name


@cache
def api() -> dict[str, Any]:
    """The official Submission API (OpenAPI 3.0)."""
    data: dict[str, Any] = json.loads((SPEC_DIR / SUBMISSION_API).read_text())
    return data


@cache
def token_api() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPEC_DIR / TOKEN_API).read_text())
    return data


@cache
def metadata_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPEC_DIR / "metadata.schema.v1.0.0.json").read_text())
    return data


@cache
def _component(name: str) -> dict[str, Any]:
    # A component refers to others as ``#/components/schemas/…``: the schema checked is a
    # reference to it inside a root that carries the document's components, so every
    # reference resolves in the shipped file. OpenAPI 3.0 schemas are a JSON Schema
    # draft-7 dialect; the official file uses none of the keywords that differ
    # (``nullable``, ``discriminator``, ``readOnly``/``writeOnly``).
    source = token_api() if name in token_api()["components"]["schemas"] else api()
    if name not in source["components"]["schemas"]:
        raise KeyError(name)
    return {"$ref": f"#/components/schemas/{name}", "components": source["components"]}


# jsonschema is imported by the checks, not with the module: this module is loaded at every
# process start (the hand-off tasks), and jsonschema with its format checkers costs up to
# 1.3 s of CPU there (rfc3987-syntax builds a grammar on import where it is installed).


def preload() -> None:
    """Import the validators now (a server about to answer requests calls this first)."""
    import jsonschema  # type: ignore[import-untyped]  # noqa: F401


def _check(validator: Any, data: Any, what: str) -> None:
    import jsonschema

    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(root)"
        msg = f"{what}: {path}: {error.validator}"
        raise SpecError(msg)


def check_component(name: str, data: Any) -> None:
    """``data`` matches the API's component schema ``name`` (e.g. ``CreateSubmission``;
    ``TokenRequest``/``TokenResponse`` from the token endpoint's file)."""
    from jsonschema import Draft7Validator

    validator = Draft7Validator(_component(name), format_checker=Draft7Validator.FORMAT_CHECKER)
    _check(validator, data, name)


def check_metadata(data: Any) -> None:
    """``data`` matches the FIT-Connect metadata schema 1.0.0."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(
        metadata_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    _check(validator, data, "metadata")


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The API's operation for a concrete ``path`` (``/v1/submissions/<id>``), or None
    (``/token``: the token endpoint's)."""
    parts = path.rstrip("/").split("/")
    paths = {**api()["paths"], **token_api()["paths"]}
    for template, ops in paths.items():
        tparts = template.rstrip("/").split("/")
        if len(tparts) != len(parts):
            continue
        if all(
            t == p or (t.startswith("{") and t.endswith("}"))
            for t, p in zip(tparts, parts, strict=True)
        ):
            op: dict[str, Any] | None = ops.get(method.lower())
            return op
    return None
