"""Bürgergeld calculator (SGB II): monthly claim of a household, explained line by line.

Pure Python, standard library only (no Django), so it can run in the web
app, the API, the CLI and batch jobs alike::

    from openjobcenter.benefits import calculate, CalculationError
    result = calculate({"date": "2026-01-01", "rent_m": 450, "heating_m": 80,
                        "in_grace_period": True,
                        "members": [{"id": "A", "role": "adult", "age": 35}]})
    result["claim_m"]  # "1093.00"

Legal state
    Amounts and rates come from JSON files in ``data/`` (one per date of
    validity, each value with its legal source).  The result names the state
    used (``legal_state``).  Dates before 2023-01-01 (before Bürgergeld) and
    after 31 December of the newest state's year are refused rather than
    silently computed with outdated amounts.

Money and rounding
    All amounts are :class:`decimal.Decimal`.  Inputs are rounded to cents.
    Following § 41 Abs. 2 SGB II every computed amount (each additional need,
    each allowance band, each housing share, each person's share of the
    unmet need) is computed to cents and rounded commercially (half up) at
    the step where it arises.  The per-head housing share is the rounded
    recognised total divided by the number of people; the shares may
    therefore add up to a cent per person more or less than the total (each
    person's share is a separate amount in law).  Likewise each person's
    claim is rounded separately and ``claim_m`` is the sum of the rounded
    personal claims plus supplements.  In the output all amounts are strings
    with exactly two decimals (``"563.00"``) so that no float rounding can
    creep in on the way through JSON.

Children's immediate supplement (§ 72 SGB II)
    25 € a month (2023 on) for a child who is itself entitled to Bürgergeld,
    or who receives a granted education-and-participation benefit (§ 28;
    member field ``education_participation_granted``, default false).  A
    child whose family's income covers the unit's need has neither; the
    claim is then 0 € and ``no_claim_reason`` says why.

Simplifications (see also ``engine`` docstring)
    One benefit unit per household; the applicant is taken to receive the
    child benefit; proven higher deductions than the 100 € basic allowance,
    maintenance obligations, one-off income, § 7 Abs. 5 exclusions of
    trainees, the cost-reduction period after the grace period and the
    separate reasonableness of heating costs are not modelled.
"""

from __future__ import annotations

from .calculator import calculate
from .errors import CalculationError
from .schema import CalculationResult

__all__ = ["CalculationError", "CalculationResult", "calculate"]
