"""MME per day: the reference's worked figures, both factor tables, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taperwell.clinical.formulary import UnknownDrug, load_formulary, load_sources
from taperwell.clinical.guidelines import GuidelinePack, load_pack
from taperwell.clinical.mme import (
    DoseError,
    MedicationDose,
    NoFactor,
    calculate_mme,
    mme_factor,
)

D = Decimal
CDC_2022 = load_pack("cdc-2022")
CDC_2016 = load_pack("cdc-2016")

# Clinical factors copied from the reference's table (section 1), per pack.
REFERENCE_FACTORS = {
    "cdc-2022": {
        "codeine": "0.15", "hydrocodone": "1", "hydromorphone": "5", "methadone": "4.7",
        "morphine": "1", "oxycodone": "1.5", "oxymorphone": "3", "tapentadol": "0.4",
        "tramadol": "0.2",
    },
    "cdc-2016": {
        "codeine": "0.15", "hydrocodone": "1", "hydromorphone": "4", "morphine": "1",
        "oxycodone": "1.5", "oxymorphone": "3", "tapentadol": "0.4",
    },
}  # fmt: skip
ANALYTIC_FACTORS = {
    "dihydrocodeine": "0.25", "levorphanol": "11", "meperidine": "0.1", "butorphanol": "7",
    "pentazocine": "0.37",
}  # fmt: skip
# Drugs whose factor does not depend on the dose, with the unit their dose is given in.
LINEAR_DRUGS = [
    ("codeine", "mg", None), ("hydrocodone", "mg", None), ("hydromorphone", "mg", None),
    ("morphine", "mg", None), ("oxycodone", "mg", None), ("oxymorphone", "mg", None),
    ("tapentadol", "mg", None), ("tramadol", "mg", None), ("fentanyl", "mcg/h", "patch"),
    ("meperidine", "mg", None), ("levorphanol", "mg", None),
]  # fmt: skip


def total(pack_doses: list[MedicationDose], pack: GuidelinePack = CDC_2022) -> Decimal:
    return calculate_mme(pack_doses, pack).total_mme_per_day


def test_hydrocodone_5_mg_four_times_a_day_is_20_mme() -> None:
    dose = MedicationDose.from_units("hydrocodone", strength=5, unit="mg", doses_per_day=4)
    assert dose.daily_dose == 20
    assert total([dose]) == 20


def test_oxycodone_er_10_mg_twice_daily_is_30_mme() -> None:
    dose = MedicationDose.from_units(
        "oxycodone", strength=10, unit="mg", doses_per_day=2, release="ER"
    )
    assert total([dose]) == 30


def test_fentanyl_75_mcg_per_hour_is_180_mme() -> None:
    assert total([MedicationDose("fentanyl", D(75), "mcg/h", form="patch")]) == 180


def test_methadone_30_mg_a_day_is_141_under_cdc_2022_and_240_under_cdc_2016() -> None:
    dose = MedicationDose("methadone", D(30), "mg")
    assert total([dose], CDC_2022) == 141
    assert total([dose], CDC_2016) == 240


@pytest.mark.parametrize(
    ("daily_mg", "expected"),
    [(1, 4), (20, 80), (21, 168), (40, 320), (41, 410), (60, 600), (61, 732), (100, 1200)],
)
def test_methadone_under_cdc_2016_uses_the_tier_of_the_total_daily_dose(
    daily_mg: int, expected: int
) -> None:
    assert total([MedicationDose("methadone", D(daily_mg), "mg")], CDC_2016) == expected


def test_the_issue_example_regimen_totals_170_mme() -> None:
    doses = [
        MedicationDose("oxycodone", D(60), "mg"),
        MedicationDose("fentanyl", D(25), "mcg/h", form="patch"),
        MedicationDose.from_units(
            "hydrocodone", strength=5, unit="mg", units_per_dose=1, doses_per_day=4
        ),
    ]
    result = calculate_mme(doses, CDC_2022)
    # 60 x 1.5 + 25 x 2.4 + 20 x 1
    assert result.total_mme_per_day == 90 + 60 + 20
    assert [m.mme_per_day for m in result.medications] == [90, 60, 20]
    assert result.guideline == "cdc-2022"


@pytest.mark.parametrize("pack_id", ["cdc-2022", "cdc-2016"])
def test_clinical_factors_match_the_reference_table(pack_id: str) -> None:
    pack = load_pack(pack_id)
    formulary = load_formulary()
    for name, expected in REFERENCE_FACTORS[pack_id].items():
        factor = mme_factor(formulary.get(name), form=None, daily_dose=D(10), pack=pack)
        assert factor.value == D(expected), name
        assert factor.source == pack_id.upper(), name
        assert not factor.analytic, name
    patch = mme_factor(formulary.get("fentanyl"), form="patch", daily_dose=D(25), pack=pack)
    assert patch.value == D("2.4")


@pytest.mark.parametrize("pack", [CDC_2022, CDC_2016], ids=["cdc-2022", "cdc-2016"])
def test_analytic_factors_are_counted_but_flagged_with_a_warning(pack: GuidelinePack) -> None:
    formulary = load_formulary()
    for name, expected in ANALYTIC_FACTORS.items():
        factor = mme_factor(formulary.get(name), form=None, daily_dose=D(10), pack=pack)
        assert factor.value == D(expected)
        assert factor.analytic
        assert factor.source == "CDC-ANALYTIC"
    result = calculate_mme([MedicationDose("meperidine", D(100), "mg")], pack)
    assert result.total_mme_per_day == 10
    assert any("analytic" in w and "meperidine" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("form", "factor"),
    [("buccal-tablet", "0.13"), ("lozenge", "0.13"), ("spray", "0.18"), ("nasal-spray", "0.16")],
)
def test_transmucosal_fentanyl_uses_its_analytic_per_mcg_factor(form: str, factor: str) -> None:
    result = calculate_mme([MedicationDose("fentanyl", D(400), "mcg", form=form)], CDC_2022)
    assert result.total_mme_per_day == D(400) * D(factor)
    assert result.medications[0].factor.analytic


def test_tramadol_is_0_2_under_cdc_2022_and_the_older_analytic_0_1_under_cdc_2016() -> None:
    dose = MedicationDose("tramadol", D(200), "mg")
    assert total([dose], CDC_2022) == 40
    old = calculate_mme([dose], CDC_2016)
    assert old.total_mme_per_day == 20
    assert old.medications[0].factor.analytic


def test_hydromorphone_differs_between_the_two_packs() -> None:
    dose = MedicationDose("hydromorphone", D(8), "mg")
    assert total([dose], CDC_2022) == 40
    assert total([dose], CDC_2016) == 32


@pytest.mark.parametrize(
    "dose",
    [
        MedicationDose("buprenorphine", D(10), "mcg/h", form="patch"),
        MedicationDose("Belbuca", D(300), "mcg", form="film"),
        MedicationDose("Suboxone", D(16), "mg"),
    ],
)
def test_buprenorphine_is_listed_as_excluded_and_never_added(dose: MedicationDose) -> None:
    result = calculate_mme([dose, MedicationDose("morphine", D(30), "mg")], CDC_2022)
    assert result.total_mme_per_day == 30
    assert [e.drug for e in result.excluded] == ["buprenorphine"]
    assert "not counted" in result.excluded[0].reason
    assert result.excluded[0].source == "CDC-2022"
    with pytest.raises(NoFactor):
        mme_factor(load_formulary().get("buprenorphine"), form=None, daily_dose=D(1), pack=CDC_2022)


def test_a_non_opioid_with_a_dose_is_excluded_not_counted() -> None:
    result = calculate_mme([MedicationDose("gabapentin", D(900), "mg")], CDC_2022)
    assert result.total_mme_per_day == 0
    assert result.excluded[0].drug == "gabapentin"


def test_an_unknown_drug_is_an_error() -> None:
    with pytest.raises(UnknownDrug):
        calculate_mme([MedicationDose("oxycodon", D(10), "mg")], CDC_2022)


def test_a_patch_rate_without_a_form_is_taken_as_a_patch() -> None:
    assert total([MedicationDose("fentanyl", D(50), "mcg/hr")]) == 120


def test_fentanyl_in_mg_without_a_form_asks_for_the_form() -> None:
    with pytest.raises(DoseError, match="give the form"):
        calculate_mme([MedicationDose("fentanyl", D(1), "mg")], CDC_2022)


def test_a_form_the_drug_does_not_have_is_an_error() -> None:
    with pytest.raises(DoseError, match="no form 'patch'"):
        calculate_mme([MedicationDose("oxycodone", D(10), "mg", form="patch")], CDC_2022)


def test_a_patch_dose_in_mg_is_an_error() -> None:
    with pytest.raises(DoseError):
        calculate_mme([MedicationDose("fentanyl", D(25), "mg", form="patch")], CDC_2022)


def test_micrograms_of_an_oral_opioid_sold_in_mg_are_refused_as_a_slip() -> None:
    with pytest.raises(DoseError, match="dosed in mg, not mcg"):
        total([MedicationDose("oxycodone", D(10000), "mcg")])


def test_negative_doses_and_unknown_units_are_errors() -> None:
    with pytest.raises(DoseError):
        calculate_mme([MedicationDose("morphine", D(-1), "mg")], CDC_2022)
    with pytest.raises(DoseError, match="unit"):
        calculate_mme([MedicationDose("morphine", D(10), "grains")], CDC_2022)
    with pytest.raises(DoseError):
        MedicationDose.from_units("morphine", strength=0, unit="mg", doses_per_day=2)


def test_a_patch_dose_from_units_counts_patches_worn_not_doses_per_day() -> None:
    dose = MedicationDose.from_units("fentanyl", strength=25, unit="mcg/h", units_per_dose=2)
    assert dose.daily_dose == 50
    with pytest.raises(DoseError, match="patch"):
        MedicationDose.from_units("fentanyl", strength=25, unit="mcg/h", doses_per_day=1)


def test_every_result_carries_the_conversion_caution() -> None:
    result = calculate_mme([MedicationDose("morphine", D(10), "mg")], CDC_2022)
    assert "never" in result.caution.lower()


doses_strategy = st.decimals(min_value=D("0.5"), max_value=D(500), places=2)
# Patch rates stay under the plausibility ceiling (400 mcg/h) even when scaled 20 times.
patch_rates = st.decimals(min_value=D("0.5"), max_value=D(20), places=2)
linear_dose = st.sampled_from(LINEAR_DRUGS).flatmap(
    lambda drug: (patch_rates if drug[2] == "patch" else doses_strategy).map(
        lambda amount: MedicationDose(drug[0], amount, drug[1], form=drug[2])
    )
)
any_pack = st.sampled_from([CDC_2022, CDC_2016])


@given(st.lists(linear_dose, max_size=6), st.lists(linear_dose, max_size=6), any_pack)
def test_mme_is_additive_over_medications(
    first: list[MedicationDose], second: list[MedicationDose], pack: GuidelinePack
) -> None:
    assert total(first + second, pack) == total(first, pack) + total(second, pack)


@given(linear_dose, st.decimals(min_value=D("0.1"), max_value=D(20), places=1), any_pack)
def test_mme_is_linear_in_dose_for_every_non_tiered_drug(
    dose: MedicationDose, multiple: Decimal, pack: GuidelinePack
) -> None:
    scaled = MedicationDose(dose.drug, dose.daily_dose * multiple, dose.unit, form=dose.form)
    assert total([scaled], pack) == total([dose], pack) * multiple


@given(st.lists(linear_dose, min_size=1, max_size=6), any_pack)
def test_every_factor_applied_carries_a_known_source(
    doses: list[MedicationDose], pack: GuidelinePack
) -> None:
    sources = load_sources()
    for medication in calculate_mme(doses, pack).medications:
        assert medication.factor.source in sources


@pytest.mark.parametrize("pack", [CDC_2022, CDC_2016], ids=["cdc-2022", "cdc-2016"])
def test_every_opioid_has_a_cited_factor_or_a_cited_exclusion(pack: GuidelinePack) -> None:
    sources = load_sources()
    for drug in load_formulary():
        if not drug.is_opioid:
            continue
        for product in drug.products:
            excluded = pack.exclusion(drug.name)
            if excluded is not None:
                assert excluded.source in sources
                assert excluded.reason
                with pytest.raises(NoFactor):
                    mme_factor(drug, form=product.form, daily_dose=D(10), pack=pack)
            else:
                factor = mme_factor(drug, form=product.form, daily_dose=D(10), pack=pack)
                assert factor.source in sources
