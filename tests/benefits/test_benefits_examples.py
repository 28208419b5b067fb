"""Worked examples, each computed by hand from the law and compared to the cent.

Unless stated otherwise the month is January 2026: Regelbedarfe 563/506/451/
471/390/357 € (RBSFV 2026, BGBl. 2025 I Nr. 243, Besitzschutz § 28a Abs. 5
SGB XII), Kindergeld 259 € (§ 66 EStG), Kindersofortzuschlag 25 € (§ 72 SGB II).
"""

from __future__ import annotations

from typing import Any

from openjobcenter.benefits import calculate


def adult(**fields: Any) -> dict[str, Any]:
    return {"id": "A", "role": "adult", "age": 35, **fields}


def child(ident: str, age: int, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "role": "child", "age": age, **fields}


def calc(members: list[dict[str, Any]], **top: Any) -> Any:
    # Any: the tests index deep into optional parts of the typed result.
    data: dict[str, Any] = {
        "date": "2026-01-01",
        "in_grace_period": True,
        **top,
        "members": members,
    }
    return calculate(data)


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in result["members"]}


def test_single_without_income() -> None:
    # RBS 1 563 € (§ 20 Abs. 2 S. 1) + rent and heating 450 + 80 = 530 € as paid in
    # the grace period (§ 22 Abs. 1 S. 2) = 1,093.00 €.
    result = calc([adult()], rent_m=450, heating_m=80)
    assert result["claim_m"] == "1093.00"
    member = result["members"][0]
    assert member["regelbedarfsstufe"] == 1
    assert member["standard_need"] == "563.00"
    assert member["housing_share"] == "530.00"
    assert member["benefit_living"] == "563.00"
    assert member["benefit_housing"] == "530.00"
    assert result["legal_state"] == {
        "valid_from": "2026-01-01",
        "title": "Rechtsstand 1. Januar 2026 (RBSFV 2026, Nullrunde; Kindergeld 259 €)",
    }
    assert result["no_claim_reason"] is None
    assert {
        "de": "Regelbedarf für Person A (Regelbedarfsstufe 1): 563,00 €",
        "en": "Standard need for person A (level 1): €563.00",
    } in result["explanation"]


def test_single_with_mini_job() -> None:
    # 520 € gross = net.  § 11b Abs. 2: 100 €; § 11b Abs. 3 Nr. 1: 20 % of
    # (520 - 100) = 84 €; allowance 184 €, counted 336 €.  Claim 1,093 - 336 = 757.
    result = calc([adult(gross_earnings_m=520, net_earnings_m=520)], rent_m=450, heating_m=80)
    earned = result["members"][0]["income_counted"]["earned"]
    assert earned["allowance"] == "184.00"
    assert earned["counted"] == "336.00"
    assert result["claim_m"] == "757.00"


def test_single_with_part_time_job() -> None:
    # 1,200 € gross / 950 € net, no child: 100 + 20 % of 420 (84) + 30 % of 480
    # (144, § 11b Abs. 3 Nr. 2 since 1.7.2023) + 10 % of 200 (20) = 348 €.
    # Counted 950 - 348 = 602 €; claim 1,093 - 602 = 491 €.  Income covers the
    # standard need first (§ 19 Abs. 3): 602 > 563, so the whole 491 € is housing.
    result = calc([adult(gross_earnings_m=1200, net_earnings_m=950)], rent_m=450, heating_m=80)
    member = result["members"][0]
    assert member["income_counted"]["earned"]["allowance"] == "348.00"
    assert member["income_counted"]["total"] == "602.00"
    assert result["claim_m"] == "491.00"
    assert member["benefit_living"] == "0.00"
    assert member["benefit_housing"] == "491.00"


def test_part_time_job_before_july_2023_uses_old_allowance() -> None:
    # March 2023: RBS 1 502 €; § 11b Abs. 3 old version: 100 + 20 % of 900 (180)
    # + 10 % of 200 (20) = 300 €; counted 650 €; claim 502 + 530 - 650 = 382 €.
    result = calc(
        [adult(gross_earnings_m=1200, net_earnings_m=950)],
        rent_m=450,
        heating_m=80,
        date="2023-03-15",
    )
    assert result["legal_state"]["valid_from"] == "2023-01-01"
    assert result["members"][0]["income_counted"]["earned"]["allowance"] == "300.00"
    assert result["claim_m"] == "382.00"
    # Same case in August 2023: 30 % band applies (348 €), 502 + 530 - 602 = 430 €.
    later = calc(
        [adult(gross_earnings_m=1200, net_earnings_m=950)],
        rent_m=450,
        heating_m=80,
        date="2023-08-01",
    )
    assert later["legal_state"]["valid_from"] == "2023-07-01"
    assert later["claim_m"] == "430.00"


def test_standard_needs_per_year() -> None:
    # Single, no rent: the claim equals RBS 1 of the year.
    for day, amount in (
        ("2023-01-01", "502.00"),
        ("2024-06-30", "563.00"),
        ("2025-12-31", "563.00"),
        ("2026-12-31", "563.00"),
    ):
        assert calc([adult()], date=day)["claim_m"] == amount


def test_couple_with_two_children_without_income() -> None:
    # Rent 700 + heating 120 = 820 € / 4 heads = 205 € each (Kopfteilprinzip).
    # A, B: RBS 2 506 + 205 = 711 €.  C (4): RBS 6 357 + 205 = 562 € - Kindergeld 259
    # = 303 €.  D (10): RBS 5 390 + 205 = 595 € - 259 = 336 €.
    # Bürgergeld 711 + 711 + 303 + 336 = 2,061 €, plus § 72 supplement 2 x 25 € = 2,111 €.
    result = calc(
        [adult(), {"id": "B", "role": "partner", "age": 33}, child("C", 4), child("D", 10)],
        rent_m=700,
        heating_m=120,
    )
    members = by_id(result)
    assert [members[x]["regelbedarfsstufe"] for x in "ABCD"] == [2, 2, 6, 5]
    assert [members[x]["benefit"] for x in "ABCD"] == ["711.00", "711.00", "303.00", "336.00"]
    assert members["C"]["immediate_supplement"] == "25.00"
    assert members["D"]["claim"] == "361.00"
    assert result["claim_m"] == "2111.00"
    assert result["benefit_units"][0]["members"] == ["A", "B", "C", "D"]


def test_couple_with_two_children_and_earnings_horizontal_method() -> None:
    # A earns 1,500 gross / 1,150 net with minor children: 100 + 84 + 144 + 10 % of
    # 500 (upper limit 1,500 with a minor child, § 11b Abs. 3 S. 3) = 378 €; counted 772 €.
    # Remaining needs: A 711, B 711, C 303, D 336 = 2,061; unmet 2,061 - 772 = 1,289 €.
    # § 9 Abs. 2 S. 3: A = B = 1,289 x 711 / 2,061 = 444.6768 → 444.68;
    # C = 1,289 x 303 / 2,061 = 189.5036 → 189.50; D = 1,289 x 336 / 2,061 = 210.1426
    # → 210.14.  Sum 1,289.00 + 2 x 25 supplement = 1,339.00 €.
    result = calc(
        [
            adult(gross_earnings_m=1500, net_earnings_m=1150),
            {"id": "B", "role": "partner", "age": 33},
            child("C", 4),
            child("D", 10),
        ],
        rent_m=700,
        heating_m=120,
    )
    members = by_id(result)
    assert members["A"]["income_counted"]["earned"]["allowance"] == "378.00"
    assert [members[x]["benefit"] for x in "ABCD"] == ["444.68", "444.68", "189.50", "210.14"]
    # § 19 Abs. 3: A's covered need 711 - 444.68 = 266.32 comes off the standard need
    # first: living 506 - 266.32 = 239.68, housing 205.
    assert members["A"]["benefit_living"] == "239.68"
    assert members["A"]["benefit_housing"] == "205.00"
    assert result["claim_m"] == "1339.00"


def test_single_parent_with_one_child_under_seven() -> None:
    # 600 € housing / 2 = 300 €.  A: 563 + 36 % of 563 (§ 21 Abs. 3 Nr. 1) = 202.68
    # + 300 = 1,065.68 €.  C (3): 357 + 300 - 259 = 398 €.  + 25 € supplement.
    # Total 1,065.68 + 398 + 25 = 1,488.68 €.
    result = calc([adult(), child("C", 3)], rent_m=500, heating_m=100, single_parent=True)
    members = by_id(result)
    assert members["A"]["additional_needs"] == [
        {"kind": "single_parent", "amount": "202.68", "rate": "0.36"}
    ]
    assert members["A"]["total_need"] == "1065.68"
    assert members["C"]["benefit"] == "398.00"
    assert result["claim_m"] == "1488.68"


def test_single_parent_with_three_children() -> None:
    # Ages 5, 9, 16: one child under 7 → 36 %; 12 % x 3 = 36 %; 202.68 €.
    # 950 € housing / 4 = 237.50 €.  A: 563 + 202.68 + 237.50 = 1,003.18.
    # Child C1 357 + 237.50 - 259 = 335.50, child C2 390 + 237.50 - 259 = 368.50,
    # child C3 471 + 237.50 - 259 = 449.50.  Sum 2,156.68 + 3 x 25 = 2,231.68 €.
    result = calc(
        [adult(), child("C1", 5), child("C2", 9), child("C3", 16)],
        rent_m=800,
        heating_m=150,
        single_parent=True,
    )
    members = by_id(result)
    assert members["A"]["additional_needs"][0]["amount"] == "202.68"
    assert [members[x]["benefit"] for x in ("C1", "C2", "C3")] == ["335.50", "368.50", "449.50"]
    assert result["claim_m"] == "2231.68"


def test_single_parent_rate_higher_calculation_and_cap() -> None:
    # Four children 3, 6, 9, 12: 12 % x 4 = 48 % > 36 % → 270.24 €.
    four = calc(
        [adult()] + [child(f"C{i}", age) for i, age in enumerate((3, 6, 9, 12))], single_parent=True
    )
    assert four["members"][0]["additional_needs"][0]["amount"] == "270.24"
    # Six children: 72 %, capped at 60 % (§ 21 Abs. 3 Nr. 2) → 337.80 €.
    six = calc([adult()] + [child(f"C{i}", 2 * i + 1) for i in range(6)], single_parent=True)
    assert six["members"][0]["additional_needs"][0]["amount"] == "337.80"
    # One child of 10: neither under 7 nor two or three under 16 → 12 % = 67.56 €.
    one = calc([adult(), child("C", 10)], single_parent=True)
    assert one["members"][0]["additional_needs"][0]["amount"] == "67.56"


def test_child_whose_income_covers_its_need_leaves_the_unit() -> None:
    # A single parent (40), C (16) with 900 € maintenance + 259 € Kindergeld = 1,159 €.
    # Housing 700 / 2 = 350 €.  C's need 471 + 350 = 821 € ≤ 1,159 → C leaves the unit
    # (§ 7 Abs. 3 Nr. 4).  Surplus child benefit min(259, 1,159 - 821) = 259 € is A's
    # income (§ 11 Abs. 1 S. 5), less the 30 € insurance lump sum (§ 6 Bürgergeld-V) =
    # 229 €.  A: 563 + 12 % (one child aged 16, § 21 Abs. 3 Nr. 2) 67.56 + 350 =
    # 980.56 €; claim 980.56 - 229 = 751.56 €.  C still has 900 ≥ 821 without the
    # Kindergeld, so no § 72 supplement.
    result = calc(
        [adult(age=40), child("C", 16, child_support_m=900)],
        rent_m=600,
        heating_m=100,
        single_parent=True,
    )
    members = by_id(result)
    assert result["benefit_units"][0]["members"] == ["A"]
    assert result["benefit_units"][0]["left"][0]["id"] == "C"
    assert result["benefit_units"][0]["left"][0]["reason"]["code"] == "own_income_covers_need"
    assert members["C"]["in_unit"] is False
    assert members["C"]["child_benefit_surplus_to_parent"] == "259.00"
    assert members["A"]["income_counted"]["insurance_lump_sum"] == "30.00"
    assert members["A"]["income_counted"]["total"] == "229.00"
    assert members["C"]["claim"] == "0.00"
    assert result["claim_m"] == "751.56"


def test_child_out_of_unit_only_because_of_child_benefit_gets_no_supplement() -> None:
    # As above with 600 € maintenance: 600 + 259 = 859 ≥ 821 → C leaves; surplus
    # 859 - 821 = 38 €; A's income 38 - 30 = 8 €; A's claim 980.56 - 8 = 972.56 €.
    # § 72 Abs. 1 SGB II pays the supplement to children who are themselves entitled to
    # Bürgergeld or who receive a granted education-and-participation benefit (§ 28).
    # C has no claim of its own (its income covers its need), and being short of a claim
    # only by the child benefit is not a ground: no supplement.
    result = calc(
        [adult(age=40), child("C", 16, child_support_m=600)],
        rent_m=600,
        heating_m=100,
        single_parent=True,
    )
    members = by_id(result)
    assert members["C"]["child_benefit_surplus_to_parent"] == "38.00"
    assert members["A"]["benefit"] == "972.56"
    assert members["C"]["immediate_supplement"] == "0.00"
    assert result["claim_m"] == "972.56"


def test_child_with_granted_education_benefit_gets_supplement_without_own_claim() -> None:
    # The same household, but C receives a granted education-and-participation benefit
    # (§ 28 SGB II, e.g. school lunches): § 72 Abs. 1 SGB II, 25 € beside it.
    result = calc(
        [adult(age=40), child("C", 16, child_support_m=600, education_participation_granted=True)],
        rent_m=600,
        heating_m=100,
        single_parent=True,
    )
    members = by_id(result)
    assert members["C"]["benefit"] == "0.00"
    assert members["C"]["immediate_supplement"] == "25.00"
    assert result["claim_m"] == "997.56"
    assert any("§ 28 SGB II" in line["de"] for line in result["explanation"])


def test_income_covering_the_need_means_no_claim_and_no_supplement() -> None:
    # Single parent A (35), 2,000 € gross / 1,500 € net; C (10) with 500 € maintenance.
    # Housing 700 / 2 = 350 €.  C: 390 + 350 = 740 € ≤ 500 + 259 Kindergeld → C leaves
    # the unit (§ 7 Abs. 3 Nr. 4), surplus Kindergeld 19 € goes to A (§ 11 Abs. 1 S. 5).
    # A: allowance 100 + 84 + 144 + 50 = 378 € (§ 11b Abs. 3, upper limit 1,500 € with a
    # minor child), counted 1,122 + 19 = 1,141 € ≥ need 563 + 67.56 + 350 = 980.56 €.
    # The unit's income covers its need: no Bürgergeld (§ 9 Abs. 1), and C, without a
    # claim of its own and without a granted § 28 benefit, gets no § 72 supplement.
    # (Before this was corrected the result was a "claim" of 25 €.)
    result = calc(
        [
            adult(age=35, gross_earnings_m=2000, net_earnings_m=1500),
            child("C", 10, child_support_m=500),
        ],
        rent_m=600,
        heating_m=100,
        single_parent=True,
    )
    assert result["claim_m"] == "0.00"
    assert all(m["immediate_supplement"] == "0.00" for m in result["members"])
    assert result["no_claim_reason"] is not None
    assert result["no_claim_reason"].startswith("Kein Anspruch: Das anrechenbare Einkommen")


def test_couple_whose_income_covers_the_need_gets_nothing_for_the_children() -> None:
    # A and B, 5,000 € gross / 3,300 € net for A; two children 4 and 9, rent 800 + 120.
    # Counted income far above the unit's need: claim 0 €, no supplement for anyone.
    result = calc(
        [
            adult(age=38, gross_earnings_m=5000, net_earnings_m=3300),
            {"id": "B", "role": "partner", "age": 36},
            child("C", 4),
            child("D", 9),
        ],
        rent_m=800,
        heating_m=120,
    )
    assert result["claim_m"] == "0.00"
    assert [m["immediate_supplement"] for m in result["members"]] == ["0.00"] * 4
    assert result["no_claim_reason"] is not None


def test_adult_child_of_20_in_training() -> None:
    # C (20) in training: 1,000 gross / 780 net; § 11b Abs. 2b: basic allowance equals
    # the Minijob limit 603 € (2026); § 11b Abs. 3 S. 4: no 20 % band; 30 % of
    # (1,000 - 520) = 144 €; allowance 747 €, earnings counted 33 €.  Kindergeld 259 €
    # (in education, under 25); no 30 € lump sum beside earnings.  Income 292 €.
    # C's need: RBS 3 451 + 350 = 801 € > 292 → stays; remaining 509 €.
    # A: 563 + 350 = 913 €.  Claim 913 + 509 + 25 (§ 72, RBS 3) = 1,447 €.
    result = calc(
        [
            adult(age=48),
            child("C", 20, in_education=True, gross_earnings_m=1000, net_earnings_m=780),
        ],
        rent_m=600,
        heating_m=100,
    )
    members = by_id(result)
    earned = members["C"]["income_counted"]["earned"]
    assert earned["basic_allowance"] == "603.00"
    assert earned["youth_allowance_applied"] is True
    assert earned["allowance"] == "747.00"
    assert members["C"]["income_counted"]["total"] == "292.00"
    assert members["C"]["regelbedarfsstufe"] == 3
    assert members["C"]["benefit"] == "509.00"
    assert result["claim_m"] == "1447.00"


def test_adult_child_not_in_education_gets_no_default_child_benefit_and_lump_sum() -> None:
    # C (22), not in education, 200 € other income: no Kindergeld by default;
    # 200 - 30 € lump sum = 170 €.  Need 451 + 300 = 751 → remaining 581 €.
    # A: 563 + 300 = 863 €.  Claim 863 + 581 + 25 = 1,469 €.
    result = calc([adult(age=50), child("C", 22, other_income_m=200)], rent_m=600)
    members = by_id(result)
    assert members["C"]["income_counted"]["total"] == "170.00"
    assert result["claim_m"] == "1469.00"


def test_child_of_25_forms_own_unit_but_counts_for_housing() -> None:
    # Housing 600 / 2 = 300 € for A; C (25) is not in A's unit (§ 7 Abs. 3 Nr. 4).
    result = calc([adult(age=55), child("C", 25)], rent_m=600)
    assert result["claim_m"] == "863.00"
    assert result["benefit_units"][0]["left"][0]["reason"]["code"] == "age_25_or_older"


def test_assets_over_the_limit_means_no_claim() -> None:
    # Grace period: 40,000 € for the first person (§ 12 Abs. 4).
    at_limit = calc([adult(wealth=40000)], rent_m=450, heating_m=80)
    assert at_limit["claim_m"] == "1093.00"
    over = calc([adult(wealth="40000.01")], rent_m=450, heating_m=80)
    assert over["claim_m"] == "0.00"
    assert over["no_claim_reason"].startswith("Kein Anspruch: Das Vermögen")
    assert "40.000,00 €" in over["no_claim_reason"]
    # Couple in the grace period: 40,000 + 15,000 = 55,000 €.
    couple = [adult(wealth=30000), {"id": "B", "role": "partner", "age": 30, "wealth": 25000}]
    assert calc(couple)["claim_m"] == "1012.00"
    # After the grace period: 15,000 € per person (§ 12 Abs. 2) = 30,000 € < 55,000.
    after = calc(couple, in_grace_period=False)
    assert after["claim_m"] == "0.00"
    assert after["assets"]["limit"] == "30000.00"


def test_after_grace_period_housing_is_limited() -> None:
    # Rent 600 + heating 100 = 700 € > limit 550 € (§ 22 Abs. 10): 563 + 550 = 1,113 €.
    limited = calc([adult()], rent_m=600, heating_m=100, in_grace_period=False, housing_limit_m=550)
    assert limited["housing"]["recognized"] == "550.00"
    assert limited["claim_m"] == "1113.00"
    # In the grace period the same flat counts in full: 563 + 700 = 1,263 €.
    grace = calc([adult()], rent_m=600, heating_m=100, housing_limit_m=550)
    assert grace["claim_m"] == "1263.00"
    # Without a known limit the actual costs count.
    unknown = calc([adult()], rent_m=600, heating_m=100, in_grace_period=False)
    assert unknown["claim_m"] == "1263.00"


def test_housing_split_per_head_rounds_each_share() -> None:
    # 530 / 3 = 176.666… → 176.67 € each (§ 41 Abs. 2 rounding per amount).
    result = calc(
        [adult(), {"id": "B", "role": "partner", "age": 30}, child("C", 2)],
        rent_m=450,
        heating_m=80,
    )
    assert {m["housing_share"] for m in result["members"]} == {"176.67"}


def test_additional_needs_and_cap() -> None:
    # Pregnant (week 14) 17 % of 563 = 95.71; disability 35 % = 197.05; diet 300 →
    # 592.76 > 563, cut by 29.76 (§ 21 Abs. 8); hot water 2.3 % = 12.949 → 12.95
    # is outside the cap.  563 + 563 + 12.95 = 1,138.95 €.
    result = calc(
        [adult(pregnant_week=14, disability_additional_need=True, diet_additional_need_m=300)],
        decentral_hot_water=True,
    )
    assert result["members"][0]["additional_needs"] == [
        {"kind": "pregnancy", "amount": "95.71", "rate": "0.17"},
        {"kind": "disability", "amount": "197.05", "rate": "0.35"},
        {"kind": "diet", "amount": "300.00", "rate": None},
        {"kind": "cap_21_8", "amount": "-29.76", "rate": None},
        {"kind": "hot_water", "amount": "12.95", "rate": "0.023"},
    ]
    assert result["claim_m"] == "1138.95"
    # Week 12 is not yet "after the 12th week".
    early = calc([adult(pregnant_week=12)])
    assert early["members"][0]["additional_needs"] == []


def test_hot_water_rates_by_level() -> None:
    # § 21 Abs. 7: RBS 2 506 x 2.3 % = 11.64; RBS 4 471 x 1.4 % = 6.59;
    # RBS 5 390 x 1.2 % = 4.68; RBS 6 357 x 0.8 % = 2.86.
    result = calc(
        [
            adult(),
            {"id": "B", "role": "partner", "age": 30},
            child("C", 15),
            child("D", 8),
            child("E", 1),
        ],
        decentral_hot_water=True,
    )
    amounts = [m["additional_needs"][0]["amount"] for m in result["members"]]
    assert amounts == ["11.64", "11.64", "6.59", "4.68", "2.86"]


def test_supplement_was_20_euro_before_2025_and_child_benefit_250() -> None:
    # 2024: C (4): 357 - 250 = 107; supplement 20 €.  A: 563.  Total 690 €.
    result = calc([adult(), child("C", 4)], date="2024-05-01")
    assert by_id(result)["C"]["benefit"] == "107.00"
    assert by_id(result)["C"]["immediate_supplement"] == "20.00"
    assert result["claim_m"] == "690.00"


def test_income_covering_everything_gives_no_claim_with_reason() -> None:
    result = calc([adult(gross_earnings_m=3000, net_earnings_m=2100)], rent_m=450, heating_m=80)
    assert result["claim_m"] == "0.00"
    assert result["no_claim_reason"].startswith("Kein Anspruch: Das anrechenbare Einkommen")
    assert result["no_claim_reason_en"].startswith("No claim")


def test_unemployment_benefit_and_lump_sum() -> None:
    # ALG I 700 € - 30 € lump sum = 670 € counted; 1,093 - 670 = 423 €.
    result = calc([adult(unemployment_benefit_m=700)], rent_m=450, heating_m=80)
    assert result["claim_m"] == "423.00"


def test_output_is_json_serialisable_and_explained_in_both_languages() -> None:
    import json

    result = calc([adult(), child("C", 3)], rent_m=500, heating_m=100, single_parent=True)
    assert json.loads(json.dumps(result)) == result
    assert all(set(line) == {"de", "en"} for line in result["explanation"])
    assert result["explanation"][-1]["de"].startswith("Monatlicher Gesamtanspruch: 1.488,68 €")
