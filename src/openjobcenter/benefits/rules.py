"""Legal states (Rechtsstände): the amounts and rates of SGB II by date of validity.

Every amount lives in a JSON file under ``data/`` named after the day it
takes effect; a change in the law is a new file, not new code.  Each value
carries the legal source it comes from.  The files are read once through
:mod:`importlib.resources` (so they also work from an installed wheel) and
kept as immutable objects for the life of the process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import cast

from .errors import CalculationError

_JSON = dict[str, object]


@dataclass(frozen=True, slots=True)
class Band:
    """One band of the earned-income allowance (§ 11b Abs. 3 SGB II)."""

    lower: Decimal
    upper: Decimal
    upper_with_minor_child: Decimal | None
    rate: Decimal
    skip_in_youth_case: bool


@dataclass(frozen=True, slots=True)
class LegalState:
    """All amounts and rates valid from ``valid_from`` on."""

    valid_from: date
    title: str
    standard_needs: MappingProxyType[int, Decimal]
    child_levels: tuple[tuple[int, int], ...]
    child_unit_age_limit: int
    supplement_amount: Decimal
    supplement_levels: frozenset[int]
    child_benefit_amount: Decimal
    child_benefit_age_limit: int
    child_benefit_education_age_limit: int
    pregnancy_rate: Decimal
    pregnancy_from_week: int
    sp_base_rate: Decimal
    sp_young_child_age: int
    sp_several_children_age: int
    sp_several_children_min: int
    sp_several_children_max: int
    sp_per_child_rate: Decimal
    sp_max_rate: Decimal
    minor_age: int
    disability_rate: Decimal
    disability_min_age: int
    hot_water_rates: MappingProxyType[int, Decimal]
    basic_allowance: Decimal
    bands: tuple[Band, ...]
    youth_allowance: Decimal | None
    youth_age_limit: int
    lump_sum: Decimal
    lump_sum_min_age: int
    assets_grace_first: Decimal
    assets_grace_further: Decimal
    assets_per_person: Decimal
    sources: MappingProxyType[str, str]


def _obj(value: object, what: str) -> _JSON:
    if not isinstance(value, dict):
        raise TypeError(f"legal data: {what} must be an object")
    return cast(_JSON, value)


def _dec(value: object, what: str) -> Decimal:
    # Amounts are stored as strings so that no binary float ever touches them.
    if not isinstance(value, str):
        raise TypeError(f"legal data: {what} must be a decimal string")
    return Decimal(value)


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"legal data: {what} must be an integer")
    return value


def _list(value: object, what: str) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"legal data: {what} must be a list")
    return cast(list[object], value)


def _parse_state(doc: _JSON) -> LegalState:
    raw = _obj(doc["values"], "values")
    sources: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, entry in raw.items():
        item = _obj(entry, key)
        sources[key] = str(item["source"])
        values[key] = item["value"]

    needs = _obj(values["standard_needs"], "standard_needs")
    levels = tuple(
        (
            _int(_obj(x, "child_levels")["max_age"], "max_age"),
            _int(_obj(x, "child_levels")["level"], "level"),
        )
        for x in _list(values["child_levels"], "child_levels")
    )
    supplement = _obj(values["immediate_supplement"], "immediate_supplement")
    benefit = _obj(values["child_benefit"], "child_benefit")
    pregnancy = _obj(values["pregnancy"], "pregnancy")
    single = _obj(values["single_parent"], "single_parent")
    disability = _obj(values["disability"], "disability")
    hot_water = _obj(values["hot_water_rates"], "hot_water_rates")
    earned = _obj(values["earned_income"], "earned_income")
    bands = []
    for entry in _list(earned["bands"], "bands"):
        band = _obj(entry, "band")
        upper_minor = band.get("upper_with_minor_child")
        bands.append(
            Band(
                lower=_dec(band["lower"], "lower"),
                upper=_dec(band["upper"], "upper"),
                upper_with_minor_child=None if upper_minor is None else _dec(upper_minor, "upper"),
                rate=_dec(band["rate"], "rate"),
                skip_in_youth_case=bool(band["skip_in_youth_case"]),
            )
        )
    youth_raw = values["youth_allowance"]
    youth = None if youth_raw is None else _obj(youth_raw, "youth_allowance")
    lump = _obj(values["insurance_lump_sum"], "insurance_lump_sum")
    assets = _obj(values["assets"], "assets")
    return LegalState(
        valid_from=date.fromisoformat(str(doc["valid_from"])),
        title=str(doc["title"]),
        standard_needs=MappingProxyType({int(k): _dec(v, "need") for k, v in needs.items()}),
        child_levels=levels,
        child_unit_age_limit=_int(values["child_unit_age_limit"], "child_unit_age_limit"),
        supplement_amount=_dec(supplement["amount"], "supplement"),
        supplement_levels=frozenset(_int(x, "level") for x in _list(supplement["levels"], "lv")),
        child_benefit_amount=_dec(benefit["amount"], "child_benefit"),
        child_benefit_age_limit=_int(benefit["age_limit"], "age_limit"),
        child_benefit_education_age_limit=_int(benefit["education_age_limit"], "age_limit"),
        pregnancy_rate=_dec(pregnancy["rate"], "rate"),
        pregnancy_from_week=_int(pregnancy["from_week"], "from_week"),
        sp_base_rate=_dec(single["base_rate"], "base_rate"),
        sp_young_child_age=_int(single["young_child_age"], "young_child_age"),
        sp_several_children_age=_int(single["several_children_age"], "several_children_age"),
        sp_several_children_min=_int(single["several_children_min"], "several_children_min"),
        sp_several_children_max=_int(single["several_children_max"], "several_children_max"),
        sp_per_child_rate=_dec(single["per_child_rate"], "per_child_rate"),
        sp_max_rate=_dec(single["max_rate"], "max_rate"),
        minor_age=_int(single["minor_age"], "minor_age"),
        disability_rate=_dec(disability["rate"], "rate"),
        disability_min_age=_int(disability["min_age"], "min_age"),
        hot_water_rates=MappingProxyType({int(k): _dec(v, "rate") for k, v in hot_water.items()}),
        basic_allowance=_dec(earned["basic_allowance"], "basic_allowance"),
        bands=tuple(bands),
        youth_allowance=None if youth is None else _dec(youth["amount"], "youth"),
        youth_age_limit=25 if youth is None else _int(youth["age_limit"], "age_limit"),
        lump_sum=_dec(lump["amount"], "lump_sum"),
        lump_sum_min_age=_int(lump["min_age"], "min_age"),
        assets_grace_first=_dec(assets["grace_first_person"], "assets"),
        assets_grace_further=_dec(assets["grace_further_person"], "assets"),
        assets_per_person=_dec(assets["per_person"], "assets"),
        sources=MappingProxyType(sources),
    )


@cache
def legal_states() -> tuple[LegalState, ...]:
    """Return every known legal state, oldest first (read once, then cached)."""
    folder = resources.files(__package__).joinpath("data")
    states = [
        _parse_state(_obj(json.loads(entry.read_text(encoding="utf-8")), entry.name))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    if not states:
        raise RuntimeError("no legal data files found in openjobcenter.benefits/data")
    return tuple(sorted(states, key=lambda state: state.valid_from))


@cache
def last_supported_day() -> date:
    """Return the last day a calculation is allowed for.

    Amounts change every 1 January, so the newest state is trusted only up
    to the end of its calendar year; later months need a new data file.
    """
    return date(legal_states()[-1].valid_from.year, 12, 31)


# The state found for each valid day (bounded: only days of the supported years).
_STATE_OF_DAY: dict[date, LegalState] = {}


def state_for(day: date, field: str = "date") -> LegalState:
    """Return the legal state valid on ``day`` or raise :class:`CalculationError`."""
    found = _STATE_OF_DAY.get(day)
    if found is not None:
        return found
    states = legal_states()
    first, newest = states[0], states[-1]
    if day < first.valid_from:
        raise CalculationError(
            field,
            f"Berechnungen sind erst ab dem {first.valid_from:%d.%m.%Y} (Einführung des "
            "Bürgergeldes) möglich.",
            f"Calculations are only possible from {first.valid_from.isoformat()} "
            "(introduction of Bürgergeld).",
        )
    if day > last_supported_day():
        raise CalculationError(
            field,
            f"Für dieses Datum ist kein Rechtsstand hinterlegt. Neuester bekannter "
            f"Rechtsstand: {newest.valid_from.isoformat()} (gültig bis "
            f"{last_supported_day():%d.%m.%Y}).",
            f"No legal state is known for this date. Newest known legal state: "
            f"{newest.valid_from.isoformat()} (valid until {last_supported_day().isoformat()}).",
        )
    chosen = first
    for state in states:
        if state.valid_from <= day:
            chosen = state
    _STATE_OF_DAY[day] = chosen
    return chosen
