"""Issue 13, point 2: the review's missing checks, MME correctness and input validation.

Each test is one item a pharmacist found missing; each runs through the Python API and, where the
item is about what a clinician types, through `taperwell review` / `taperwell mme` as well.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from taperwell.cli import main
from taperwell.clinical.dose_limits import DOSE_LIMITS_PATH, parse_dose_limits
from taperwell.clinical.formulary import (
    DataError,
    UnknownDrug,
    load_formulary,
    load_sources,
    read_toml,
)
from taperwell.clinical.guidelines import PACKS_DIR, GuidelinePack, load_pack, parse_pack
from taperwell.clinical.mme import DoseError, MedicationDose, calculate_mme
from taperwell.clinical.review import Review, review

D = Decimal
CDC_2022 = load_pack("cdc-2022")
CDC_2016 = load_pack("cdc-2016")
PACKS = [CDC_2022, CDC_2016]
PACK_IDS = ["cdc-2022", "cdc-2016"]
FORMULARY = load_formulary()


def finding_ids(result: Review) -> set[str]:
    return {f.id for f in result.findings}


def findings_for(result: Review, *names: str) -> list[tuple[str, str]]:
    """(id, severity) of every finding that names all of `names`."""
    return [(f.id, f.severity) for f in result.findings if set(names) <= set(f.drugs)]


def run_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, document: Any
) -> tuple[int, Any, str]:
    """(exit code, parsed stdout or None, stderr) of `taperwell COMMAND FILE`."""
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    try:
        code = main([command, str(path)])
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


# ── interactions that were missing ──


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("opioid", ["tramadol", "codeine"])
def test_tramadol_or_codeine_with_clarithromycin_is_a_major_cyp3a4_finding(
    pack: GuidelinePack, opioid: str
) -> None:
    result = review([opioid, "clarithromycin"], pack)
    assert ("cyp3a4-inhibitor-opioid", "major") in findings_for(result, opioid, "clarithromycin")


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("opioid", ["oxycodone", "morphine", "hydrocodone"])
def test_an_maoi_with_any_opioid_is_flagged_with_the_14_day_rule(
    pack: GuidelinePack, opioid: str
) -> None:
    result = review([opioid, "phenelzine"], pack)
    found = [f for f in result.findings if {opioid, "phenelzine"} <= set(f.drugs)]
    assert found, "no finding for an MAOI with an opioid"
    assert found[0].severity in {"contraindicated", "major"}
    assert "14 days" in found[0].action


def test_every_opioid_in_the_formulary_meets_an_maoi_finding() -> None:
    for drug in FORMULARY.in_class("opioid"):
        for maoi in FORMULARY.in_class("maoi"):
            result = review([drug.name, maoi.name], CDC_2022)
            assert findings_for(result, drug.name, maoi.name), (drug.name, maoi.name)


def test_meperidine_tramadol_methadone_and_tapentadol_with_an_maoi_stay_contraindicated() -> None:
    for opioid in ["meperidine", "tramadol", "methadone", "tapentadol"]:
        result = review([opioid, "phenelzine"], CDC_2022)
        severities = [s for _, s in findings_for(result, opioid, "phenelzine")]
        assert severities[0] == "contraindicated", opioid
        # One finding per pair: the weaker MAOI rule does not repeat the contraindication.
        assert sum(1 for i, _ in findings_for(result, opioid, "phenelzine") if "maoi" in i) == 1


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize(
    "companion",
    [
        "trazodone", "mirtazapine", "amitriptyline", "nortriptyline", "imipramine",
        "quetiapine", "haloperidol", "promethazine", "hydroxyzine", "diphenhydramine",
    ],
)  # fmt: skip
def test_sedating_antidepressants_antipsychotics_and_antihistamines_are_cns_depressants(
    pack: GuidelinePack, companion: str
) -> None:
    result = review(["oxycodone", companion], pack)
    assert ("opioid-cns-depressant", "major") in findings_for(result, "oxycodone", companion)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize(
    "companion", ["quetiapine", "amitriptyline", "nortriptyline", "imipramine", "azithromycin"]
)
def test_methadone_with_quetiapine_tricyclics_or_azithromycin_is_a_qt_finding(
    pack: GuidelinePack, companion: str
) -> None:
    result = review(["methadone", companion], pack)
    assert ("methadone-qt", "major") in findings_for(result, "methadone", companion)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_naltrexone_with_any_opioid_is_contraindicated(pack: GuidelinePack) -> None:
    for opioid in FORMULARY.in_class("opioid"):
        result = review(["naltrexone", opioid.name], pack)
        severities = [s for _, s in findings_for(result, "naltrexone", opioid.name)]
        assert severities, opioid.name
        assert severities[0] == "contraindicated", opioid.name


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_a_benzodiazepine_with_a_gabapentinoid_is_major_even_without_an_opioid(
    pack: GuidelinePack,
) -> None:
    for benzo in FORMULARY.in_class("benzodiazepine"):
        for gaba in FORMULARY.in_class("gabapentinoid"):
            result = review([benzo.name, gaba.name], pack)
            found = findings_for(result, benzo.name, gaba.name)
            assert ("benzodiazepine-gabapentinoid", "major") in found, (benzo.name, gaba.name)
            rule = next(f for f in result.findings if f.id == "benzodiazepine-gabapentinoid")
            assert rule.source == "FDA-2019-GABAPENTINOID"


def test_promethazine_hydroxyzine_diphenhydramine_and_azithromycin_are_in_the_formulary() -> None:
    for name in ["promethazine", "hydroxyzine", "diphenhydramine", "azithromycin"]:
        assert FORMULARY.find(name) is not None, name
    assert FORMULARY.get("Phenergan").name == "promethazine"
    assert FORMULARY.get("Benadryl").name == "diphenhydramine"
    assert FORMULARY.get("Zithromax").name == "azithromycin"


def test_the_new_interactions_reach_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, _ = run_cli(
        tmp_path, capsys, "review",
        {"medications": ["naltrexone", "oxycodone", "tramadol", "clarithromycin", "trazodone"]},
    )  # fmt: skip
    assert code == 0
    by_id = {f["id"]: f for f in output["findings"]}
    assert by_id["naltrexone-opioid"]["severity"] == "contraindicated"
    assert "tramadol" in by_id["cyp3a4-inhibitor-opioid"]["drugs"]
    assert "trazodone" in by_id["opioid-cns-depressant"]["drugs"]
    assert output["findings"][0]["severity"] == "contraindicated"


def test_the_maoi_qt_antihistamine_and_gabapentinoid_findings_reach_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, _ = run_cli(
        tmp_path, capsys, "review",
        {"medications": ["oxycodone", "phenelzine", "methadone", "quetiapine", "amitriptyline",
                         "promethazine", "alprazolam", "gabapentin", "1886"]},
    )  # fmt: skip
    assert code == 0
    by_id = {f["id"]: f for f in output["findings"]}
    assert "oxycodone" in by_id["maoi-any-opioid"]["drugs"]
    assert "14 days" in by_id["maoi-any-opioid"]["action"]
    assert {"quetiapine", "amitriptyline"} <= set(by_id["methadone-qt"]["drugs"])
    assert "promethazine" in by_id["opioid-cns-depressant"]["drugs"]
    assert by_id["benzodiazepine-gabapentinoid"]["severity"] == "major"
    # 1886 is caffeine's RxCUI: it no longer names butalbital.
    assert [u["drug"] for u in output["unchecked"]] == ["1886"]


# ── daily maxima from the labels ──


def norco(tablets_a_day: int, *, strength: int = 10) -> MedicationDose:
    return MedicationDose.from_units(
        "hydrocodone",
        strength=strength,
        unit="mg",
        doses_per_day=tablets_a_day,
        release="IR",
        combination="acetaminophen 325 mg",
    )


def test_norco_10_mg_fourteen_a_day_exceeds_the_acetaminophen_limit() -> None:
    result = review([norco(14)], CDC_2022)
    found = next(f for f in result.findings if f.id == "daily-maximum-acetaminophen")
    assert found.severity == "major"
    assert "4550 mg" in found.summary
    assert "4000 mg" in found.summary
    assert found.drugs == ("hydrocodone",)


def test_twelve_norco_a_day_stay_within_the_acetaminophen_limit() -> None:
    assert "daily-maximum-acetaminophen" not in finding_ids(review([norco(12)], CDC_2022))


def test_acetaminophen_is_summed_across_every_combination_product_and_plain_tablets() -> None:
    percocet = MedicationDose.from_units(
        "oxycodone", strength=5, unit="mg", doses_per_day=4, release="IR",
        combination="acetaminophen 325 mg",
    )  # fmt: skip
    tylenol = MedicationDose.from_units("acetaminophen", strength=500, unit="mg", doses_per_day=4)
    # 4 x 325 (hydrocodone) + 4 x 325 (oxycodone) + 4 x 500 = 4600 mg
    result = review([norco(4, strength=5), percocet, tylenol], CDC_2022)
    found = next(f for f in result.findings if f.id == "daily-maximum-acetaminophen")
    assert "4600 mg" in found.summary
    assert set(found.drugs) == {"hydrocodone", "oxycodone", "acetaminophen"}
    alone = review([norco(4, strength=5), percocet], CDC_2022)
    assert "daily-maximum-acetaminophen" not in finding_ids(alone)


def test_hydrocodone_ir_without_a_combination_counts_the_acetaminophen_every_product_has() -> None:
    dose = MedicationDose.from_units(
        "hydrocodone", strength=10, unit="mg", doses_per_day=14, release="IR"
    )
    result = review([dose], CDC_2022)
    assert "daily-maximum-acetaminophen" in finding_ids(result)
    assert any("no combination given" in w for w in result.warnings)


def test_oxycodone_ir_without_a_combination_is_not_assumed_to_contain_acetaminophen() -> None:
    dose = MedicationDose.from_units(
        "oxycodone", strength=10, unit="mg", doses_per_day=14, release="IR"
    )
    assert "daily-maximum-acetaminophen" not in finding_ids(review([dose], CDC_2022))


def test_a_combination_without_units_a_day_is_not_counted_and_says_so() -> None:
    dose = MedicationDose(
        "hydrocodone", D(140), "mg", release="IR", combination="acetaminophen 325 mg"
    )
    result = review([dose], CDC_2022)
    assert "daily-maximum-acetaminophen" not in finding_ids(result)
    assert any("not counted toward the daily maximum" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("dose", "finding_id"),
    [
        (MedicationDose("tramadol", D(800), "mg"), "daily-maximum-tramadol-ir"),
        (MedicationDose("tramadol", D(800), "mg", release="IR"), "daily-maximum-tramadol-ir"),
        (MedicationDose("tramadol", D(400), "mg", release="ER"), "daily-maximum-tramadol-er"),
        (MedicationDose("tapentadol", D(600), "mg", release="ER"), "daily-maximum-tapentadol-er"),
        (MedicationDose("tapentadol", D(700), "mg", release="IR"), "daily-maximum-tapentadol-ir"),
        (MedicationDose("codeine", D(480), "mg"), "daily-maximum-codeine"),
    ],
)
def test_doses_above_the_label_maximum_are_a_major_finding(
    dose: MedicationDose, finding_id: str
) -> None:
    result = review([dose], CDC_2022)
    found = next((f for f in result.findings if f.id == finding_id), None)
    assert found is not None, [f.id for f in result.findings]
    assert found.severity == "major"
    assert found.source.startswith("LABEL-")


@pytest.mark.parametrize(
    "dose",
    [
        MedicationDose("tramadol", D(400), "mg", release="IR"),
        MedicationDose("tramadol", D(300), "mg", release="ER"),
        MedicationDose("tapentadol", D(600), "mg", release="IR"),
        MedicationDose("tapentadol", D(500), "mg", release="ER"),
        MedicationDose("codeine", D(360), "mg"),
    ],
)
def test_doses_at_the_label_maximum_give_no_finding(dose: MedicationDose) -> None:
    assert not any(f.id.startswith("daily-maximum") for f in review([dose], CDC_2022).findings)


def test_two_tramadol_lines_are_added_before_the_maximum_is_checked() -> None:
    doses = [
        MedicationDose("tramadol", D(250), "mg", release="IR"),
        MedicationDose("tramadol", D(200), "mg", release="IR"),
    ]
    assert "daily-maximum-tramadol-ir" in finding_ids(review(doses, CDC_2022))


def test_the_daily_maxima_reach_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, _ = run_cli(
        tmp_path, capsys, "review",
        {"medications": [
            {"drug": "hydrocodone", "strength": 10, "unit": "mg", "doses_per_day": 14,
             "release": "IR", "combination": "acetaminophen 325 mg"},
            {"drug": "tramadol", "daily_dose": 800, "unit": "mg"},
            {"drug": "tapentadol", "release": "ER", "daily_dose": 600, "unit": "mg"},
        ]},
    )  # fmt: skip
    assert code == 0
    ids = {f["id"] for f in output["findings"]}
    assert {
        "daily-maximum-acetaminophen",
        "daily-maximum-tramadol-ir",
        "daily-maximum-tapentadol-er",
    } <= ids


def test_a_combination_the_core_cannot_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(DoseError, match="combination"):
        MedicationDose.from_units(
            "hydrocodone", strength=10, unit="mg", doses_per_day=4, combination="a little APAP"
        )
    code, _, err = run_cli(
        tmp_path, capsys, "review",
        {"medications": [{"drug": "hydrocodone", "strength": 10, "unit": "mg",
                          "doses_per_day": 4, "combination": "tylenolish 325 mg"}]},
    )  # fmt: skip
    assert code == 2
    assert "combination" in err


# ── a dosed medicine the core cannot name ──


def test_a_dosed_misspelled_opioid_stops_the_review_with_suggestions() -> None:
    with pytest.raises(UnknownDrug) as raised:
        review([MedicationDose("oxycodon", D(120), "mg"), "alprazolam"], CDC_2022)
    assert "oxycodone" in raised.value.suggestions


def test_a_dosed_misspelled_opioid_exits_2_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, err = run_cli(
        tmp_path, capsys, "review",
        {"medications": [{"drug": "oxycodon", "daily_dose": 120, "unit": "mg"}, "alprazolam"]},
    )  # fmt: skip
    assert code == 2
    assert output is None
    assert "oxycodon" in err
    assert "did you mean: oxycodone" in err


def test_a_misspelled_name_without_a_dose_is_still_only_unchecked() -> None:
    result = review(["oxycodon", "alprazolam"], CDC_2022)
    assert [u.name for u in result.unchecked] == ["oxycodon"]


# ── methadone tiers by the day's total ──


def test_two_methadone_lines_of_15_mg_under_cdc_2016_are_240_mme() -> None:
    doses = [MedicationDose("methadone", D(15), "mg"), MedicationDose("methadone", D(15), "mg")]
    result = calculate_mme(doses, CDC_2016)
    assert result.total_mme_per_day == 240
    assert [m.conversion_factor for m in result.medications] == [8, 8]
    assert review(doses, CDC_2016).total_mme_per_day == 240


def test_two_methadone_lines_reach_the_command_line_as_240(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.json"
    path.write_text(
        json.dumps(
            {"medications": [
                {"drug": "methadone", "daily_dose": 15, "unit": "mg"},
                {"drug": "methadone", "strength": 5, "unit": "mg", "units_per_dose": 3,
                 "doses_per_day": 1},
            ]}
        )
    )  # fmt: skip
    assert main(["mme", "--guideline", "cdc-2016", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["total_mme_per_day"] == 240


# ── implausible input ──


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        (MedicationDose("oxycodone", D(10), "mcg"), "mcg"),
        (MedicationDose("fentanyl", D(2500), "mcg/h", form="patch"), "above"),
        (MedicationDose("oxycodone", D(0), "mg"), "more than 0"),
    ],
)
def test_implausible_doses_are_refused_by_mme_and_review(
    dose: MedicationDose, message: str
) -> None:
    with pytest.raises(DoseError, match=message):
        calculate_mme([dose], CDC_2022)
    with pytest.raises(DoseError, match=message):
        review([dose], CDC_2022)


def test_more_than_24_doses_a_day_is_refused() -> None:
    with pytest.raises(DoseError, match="24"):
        MedicationDose.from_units("oxycodone", strength=5, unit="mg", doses_per_day=48)
    assert MedicationDose.from_units("oxycodone", strength=5, unit="mg", doses_per_day=24)


@pytest.mark.parametrize("command", ["mme", "review"])
@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"drug": "oxycodone", "daily_dose": 10, "unit": "mcg"}, "mcg"),
        ({"drug": "fentanyl", "form": "patch", "daily_dose": 2500, "unit": "mcg/h"}, "above"),
        ({"drug": "oxycodone", "strength": 5, "unit": "mg", "doses_per_day": 48}, "24"),
        ({"drug": "oxycodone", "daily_dose": 0, "unit": "mg"}, "more than 0"),
        ({"drug": "oxycodone", "strength": 0, "unit": "mg", "doses_per_day": 2}, "positive"),
    ],
)
def test_implausible_input_exits_2_with_a_clear_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    item: dict[str, Any],
    message: str,
) -> None:
    code, output, err = run_cli(tmp_path, capsys, command, {"medications": [item]})
    assert code == 2
    assert output is None
    assert message in err
    assert err.count("\n") == 1


def test_a_dose_of_a_medicine_without_limits_is_not_refused_for_its_unit() -> None:
    patch = MedicationDose("lidocaine", D(5), "%")
    assert (
        review([patch, MedicationDose("oxycodone", D(30), "mg")], CDC_2022).total_mme_per_day == 45
    )


def test_butalbital_does_not_carry_caffeines_rxcui() -> None:
    assert FORMULARY.get("butalbital").rxcui != "1886"


# ── the data behind the checks ──


def limits_document() -> dict[str, Any]:
    return copy.deepcopy(read_toml(DOSE_LIMITS_PATH))


def test_the_shipped_dose_limits_load_and_cite_known_sources() -> None:
    limits = parse_dose_limits(limits_document(), where="dose_limits.toml")
    sources = load_sources()
    assert {m.id for m in limits.maxima} >= {
        "daily-maximum-acetaminophen", "daily-maximum-tramadol-ir", "daily-maximum-tramadol-er",
        "daily-maximum-tapentadol-ir", "daily-maximum-tapentadol-er", "daily-maximum-codeine",
    }  # fmt: skip
    for maximum in limits.maxima:
        assert maximum.source in sources
        assert maximum.source == "FDA-2011-ACETAMINOPHEN" or maximum.verify, maximum.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["ceiling"][0].pop("note"), "note"),
        (lambda d: d["maximum"][0].update(drug="tramadol"), "either"),
        (lambda d: d["maximum"][1].update(drug="tramadolx"), "not in the formulary"),
        (lambda d: d["maximum"][1].update(source="LABEL-NOWHERE"), "unknown source"),
        (lambda d: d["maximum"][1].update(id=d["maximum"][2]["id"]), "share an id"),
        (lambda d: d["doses_per_day"].update(at_most=0), "positive"),
    ],
)
def test_the_dose_limits_loader_rejects_bad_entries(change: Any, message: str) -> None:
    document = limits_document()
    change(document)
    with pytest.raises(DataError, match=message):
        parse_dose_limits(document, where="dose_limits.toml")


def test_a_rule_slot_cannot_leave_out_a_drug_the_formulary_does_not_know() -> None:
    document = copy.deepcopy(read_toml(PACKS_DIR / "cdc-2022.toml"))
    document["include"] = []
    document["naloxone"] = read_toml(PACKS_DIR / "_naloxone.toml")["naloxone"]
    document["interaction"] = [
        {
            "id": "x", "severity": "major", "summary": "s", "action": "a", "source": "LABELS",
            "slots": [{"classes": ["opioid"], "except_drugs": ["oxycodon"]}, {"classes": ["maoi"]}],
        }
    ]  # fmt: skip
    with pytest.raises(DataError, match="except_drugs"):
        parse_pack(document, where="cdc-2022.toml")


@pytest.mark.parametrize("companion", ["trazodone", "haloperidol", "diphenhydramine"])
def test_naloxone_is_offered_with_every_cns_depressant_the_review_names(companion: str) -> None:
    result = review([MedicationDose("oxycodone", D(10), "mg"), companion], CDC_2022)
    assert "cns-depressant" in {r.id for r in result.naloxone.reasons}


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_the_naloxone_trigger_covers_every_class_of_the_cns_depressant_rule(
    pack: GuidelinePack,
) -> None:
    rule = next(r for r in pack.interactions if r.id == "opioid-cns-depressant")
    trigger = next(t for t in pack.naloxone if t.id == "cns-depressant")
    assert set(rule.slots[1].classes) <= set(trigger.classes)


# --- Two opioids together (issue 14: an imported list with two opioids gave no finding) ------


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_two_different_opioids_together_give_a_finding(pack: GuidelinePack) -> None:
    medicines = [
        MedicationDose.from_units("oxycodone", strength=10, unit="mg", doses_per_day=4),
        MedicationDose.from_units(
            "morphine", strength=15, unit="mg", doses_per_day=2, release="ER"
        ),
    ]
    result = review(medicines, pack)
    finding = next(f for f in result.findings if f.id == "two-full-agonist-opioids")
    assert finding.severity == "moderate"
    assert set(finding.drugs) == {"oxycodone", "morphine"}


def test_two_products_of_one_opioid_are_not_two_opioids() -> None:
    medicines = [
        MedicationDose.from_units(
            "oxycodone", strength=10, unit="mg", doses_per_day=2, release="ER"
        ),
        MedicationDose.from_units(
            "oxycodone", strength=5, unit="mg", doses_per_day=2, release="IR"
        ),
    ]
    assert "two-full-agonist-opioids" not in finding_ids(review(medicines, CDC_2022))


# --- Brand names on the command line: a brand fixes its release and partner ----------------


def test_norco_by_brand_name_counts_its_acetaminophen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "medications": [
            {"drug": "Norco", "strength": 10, "unit": "mg", "units_per_dose": 2, "doses_per_day": 7}
        ]
    }
    code, result, _ = run_cli(tmp_path, capsys, "review", document)
    assert code == 0
    finding = next(f for f in result["findings"] if f["id"] == "daily-maximum-acetaminophen")
    assert "4550 mg" in finding["summary"]


def test_a_brand_given_the_other_release_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "medications": [
            {"drug": "OxyContin", "release": "IR", "strength": 10, "unit": "mg", "doses_per_day": 2}
        ]
    }
    code, _, err = run_cli(tmp_path, capsys, "mme", document)
    assert code == 2
    assert "OxyContin is ER" in err
