"""Medication review: every row of the interaction table, naloxone, thresholds, unchecked names."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taperwell.clinical.formulary import DataError, Drug, load_formulary, load_sources, read_toml
from taperwell.clinical.guidelines import (
    PACKS_DIR,
    GuidelinePack,
    load_pack,
    parse_pack,
)
from taperwell.clinical.mme import MedicationDose
from taperwell.clinical.review import (
    Finding,
    History,
    find_interactions,
    naloxone_recommendation,
    review,
    severity_rank,
    thresholds_crossed,
)

D = Decimal
FORMULARY = load_formulary()
PACKS = [load_pack("cdc-2022"), load_pack("cdc-2016")]
PACK_IDS = ["cdc-2022", "cdc-2016"]


def members(class_name: str) -> list[str]:
    return [d.name for d in FORMULARY.in_class(class_name)]


def drugs(*names: str) -> list[Drug]:
    return [FORMULARY.get(n) for n in names]


def finding(names: Iterable[str], rule_id: str, pack: GuidelinePack) -> Finding | None:
    return next((f for f in find_interactions(drugs(*names), pack) if f.id == rule_id), None)


def assert_pairs_found(
    left: list[str], right: list[str], rule_id: str, severity: str, pack: GuidelinePack
) -> None:
    assert left
    assert right
    for a in left:
        for b in right:
            if a == b:
                continue
            found = finding([a, b], rule_id, pack)
            assert found is not None, (rule_id, a, b)
            assert found.severity == severity
            assert {a, b} <= set(found.drugs)


OPIOIDS = members("opioid")
FULL_AGONISTS = members("full-agonist")
SEROTONERGIC_OPIOIDS = ["tramadol", "tapentadol", "meperidine", "methadone", "fentanyl"]
Z_DRUGS = ["zolpidem", "eszopiclone", "zaleplon"]
# Named here, not read from the formulary, so a benzodiazepine classed as anything else (a z-drug,
# say) fails the class test and drops no pair or three-way finding unseen.
BENZODIAZEPINES = [
    "alprazolam", "clonazepam", "diazepam", "lorazepam", "temazepam", "chlordiazepoxide",
    "oxazepam", "triazolam", "midazolam",
]  # fmt: skip
MUSCLE_RELAXANTS = [
    "carisoprodol", "cyclobenzaprine", "methocarbamol", "tizanidine", "baclofen", "metaxalone",
]  # fmt: skip
CYP3A4_INHIBITORS = [
    "ritonavir", "ketoconazole", "itraconazole", "clarithromycin", "erythromycin", "fluconazole",
    "diltiazem", "verapamil",
]  # fmt: skip
CYP3A4_OPIOIDS = ["fentanyl", "oxycodone", "methadone", "hydrocodone"]


def test_the_reference_opioids_and_named_drugs_sit_in_their_classes() -> None:
    reference_opioids = {
        "codeine", "fentanyl", "hydrocodone", "hydromorphone", "methadone", "morphine",
        "oxycodone", "oxymorphone", "tapentadol", "tramadol", "buprenorphine",
    }  # fmt: skip
    assert reference_opioids <= set(OPIOIDS)
    assert set(SEROTONERGIC_OPIOIDS) == set(members("serotonergic-opioid"))
    assert set(Z_DRUGS) <= set(members("z-drug"))
    assert set(BENZODIAZEPINES) == set(members("benzodiazepine"))
    assert not set(BENZODIAZEPINES) & set(members("z-drug"))
    assert set(MUSCLE_RELAXANTS) <= set(members("muscle-relaxant"))
    assert set(CYP3A4_INHIBITORS) <= set(members("cyp3a4-inhibitor"))
    assert {"rifampin", "carbamazepine", "phenytoin"} <= set(members("cyp3a4-inducer"))
    assert {"fluoxetine", "paroxetine", "bupropion"} <= set(members("cyp2d6-inhibitor"))
    assert {"gabapentin", "pregabalin"} == set(members("gabapentinoid"))
    assert {"butorphanol", "nalbuphine", "pentazocine"} == set(members("mixed-agonist-antagonist"))
    assert "buprenorphine" not in FULL_AGONISTS


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_any_opioid_with_any_benzodiazepine_is_major(pack: GuidelinePack) -> None:
    assert_pairs_found(OPIOIDS, BENZODIAZEPINES, "opioid-benzodiazepine", "major", pack)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_any_opioid_with_another_cns_depressant_is_major(pack: GuidelinePack) -> None:
    others = (
        Z_DRUGS + MUSCLE_RELAXANTS + members("sedating-antipsychotic") + members("barbiturate")
        + ["alcohol"]
    )  # fmt: skip
    assert_pairs_found(OPIOIDS, others, "opioid-cns-depressant", "major", pack)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_opioid_benzodiazepine_and_carisoprodol_together_are_contraindicated(
    pack: GuidelinePack,
) -> None:
    for opioid in OPIOIDS:
        for benzo in BENZODIAZEPINES:
            found = finding(
                [opioid, benzo, "carisoprodol"], "opioid-benzodiazepine-carisoprodol", pack
            )
            assert found is not None, (opioid, benzo)
            assert found.severity == "contraindicated"
            assert set(found.drugs) == {opioid, benzo, "carisoprodol"}
    # Two of the three are not enough.
    assert finding(["oxycodone", "alprazolam"], "opioid-benzodiazepine-carisoprodol", pack) is None
    assert (
        finding(["oxycodone", "carisoprodol"], "opioid-benzodiazepine-carisoprodol", pack) is None
    )


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_any_opioid_with_gabapentin_or_pregabalin_is_major(pack: GuidelinePack) -> None:
    assert_pairs_found(OPIOIDS, ["gabapentin", "pregabalin"], "opioid-gabapentinoid", "major", pack)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_serotonergic_opioids_with_serotonergic_medicines_are_major(pack: GuidelinePack) -> None:
    serotonergic = (
        members("ssri") + members("snri") + members("tca") + members("triptan")
        + members("serotonergic-other")
    )  # fmt: skip
    assert_pairs_found(
        SEROTONERGIC_OPIOIDS, serotonergic, "serotonergic-opioid-serotonergic", "major", pack
    )
    assert finding(["oxycodone", "sertraline"], "serotonergic-opioid-serotonergic", pack) is None


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_maois_with_meperidine_tramadol_methadone_or_tapentadol_are_contraindicated(
    pack: GuidelinePack,
) -> None:
    opioids = ["meperidine", "tramadol", "methadone", "tapentadol"]
    assert_pairs_found(opioids, members("maoi"), "maoi-opioid", "contraindicated", pack)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_cyp3a4_inhibitors_and_inducers_with_the_named_opioids_are_major(
    pack: GuidelinePack,
) -> None:
    assert_pairs_found(
        CYP3A4_OPIOIDS, members("cyp3a4-inhibitor"), "cyp3a4-inhibitor-opioid", "major", pack
    )
    assert_pairs_found(
        CYP3A4_OPIOIDS, members("cyp3a4-inducer"), "cyp3a4-inducer-opioid", "major", pack
    )
    assert finding(["morphine", "clarithromycin"], "cyp3a4-inhibitor-opioid", pack) is None


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_cyp2d6_inhibitors_with_codeine_or_tramadol_are_moderate(pack: GuidelinePack) -> None:
    assert_pairs_found(
        ["codeine", "tramadol"], members("cyp2d6-inhibitor"),
        "cyp2d6-inhibitor-codeine-tramadol", "moderate", pack,
    )  # fmt: skip


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_methadone_with_qt_prolonging_medicines_is_major(pack: GuidelinePack) -> None:
    assert_pairs_found(["methadone"], members("qt-prolonging"), "methadone-qt", "major", pack)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_buprenorphine_and_mixed_agonists_with_a_full_agonist_are_major_naltrexone_contraindicated(
    pack: GuidelinePack,
) -> None:
    assert_pairs_found(
        ["buprenorphine"], FULL_AGONISTS, "buprenorphine-full-agonist", "major", pack
    )
    assert_pairs_found(["naltrexone"], OPIOIDS, "naltrexone-opioid", "contraindicated", pack)
    assert_pairs_found(
        ["butorphanol", "nalbuphine", "pentazocine"], FULL_AGONISTS,
        "mixed-agonist-antagonist-full-agonist", "major", pack,
    )  # fmt: skip


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize(
    "companion", ["acetaminophen", "ibuprofen", "naproxen", "celecoxib", "lidocaine", "capsaicin"]
)
def test_common_harmless_pairs_give_nothing_at_major_or_above(
    pack: GuidelinePack, companion: str
) -> None:
    for opioid in ["oxycodone", "morphine", "hydrocodone"]:
        serious = [
            f
            for f in find_interactions(drugs(opioid, companion), pack)
            if severity_rank(f.severity) <= 1
        ]
        assert serious == [], (opioid, companion)


def test_naloxone_on_the_list_is_not_an_interaction() -> None:
    for opioid in OPIOIDS:
        assert find_interactions(drugs(opioid, "naloxone"), PACKS[0]) == ()


def test_findings_come_most_severe_first() -> None:
    found = find_interactions(
        drugs("oxycodone", "alprazolam", "carisoprodol", "fluoxetine"), PACKS[0]
    )
    ranks = [severity_rank(f.severity) for f in found]
    assert ranks == sorted(ranks)
    assert found[0].id == "opioid-benzodiazepine-carisoprodol"


# ── naloxone ──


def naloxone(names: list[str], mme: int, history: History | None = None) -> set[str]:
    advice = naloxone_recommendation(
        drugs(*names), total_mme_per_day=D(mme), history=history or History(), pack=PACKS[0]
    )
    assert advice.recommended == bool(advice.reasons)
    return {r.id for r in advice.reasons}


def test_naloxone_is_not_recommended_for_a_low_dose_alone() -> None:
    assert naloxone(["oxycodone"], 30) == set()


def test_naloxone_is_recommended_from_50_mme() -> None:
    assert naloxone(["morphine"], 49) == set()
    assert naloxone(["morphine"], 50) == {"mme-50"}


def test_naloxone_is_recommended_with_a_benzodiazepine_or_other_cns_depressant() -> None:
    for other in ["alprazolam", "zolpidem", "gabapentin", "cyclobenzaprine", "alcohol"]:
        assert naloxone(["oxycodone", other], 10) == {"cns-depressant"}, other
    # No opioid on the list: a benzodiazepine alone does not trigger it.
    assert naloxone(["alprazolam"], 0) == set()


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (History(overdose=True), "history-overdose"),
        (History(substance_use_disorder=True), "history-sud"),
        (History(sleep_apnea=True), "sleep-disordered-breathing"),
        (History(tapering=True), "tapering"),
    ],
)
def test_naloxone_is_recommended_for_each_history_item(history: History, expected: str) -> None:
    assert naloxone(["oxycodone"], 10, history) == {expected}


def test_the_tapering_reason_cites_the_va_tool_and_warns_about_lost_tolerance() -> None:
    advice = naloxone_recommendation(
        drugs("oxycodone"), total_mme_per_day=D(10), history=History(tapering=True), pack=PACKS[0]
    )
    assert advice.reasons[0].source == "VA-OTDT"
    assert "tolerance" in advice.reasons[0].reason


def test_ohio_adds_a_naloxone_trigger_at_80_mme() -> None:
    ohio = load_pack(state="OH")
    advice = naloxone_recommendation(
        drugs("morphine"), total_mme_per_day=D(80), history=History(), pack=ohio
    )
    assert {r.id for r in advice.reasons} == {"mme-50", "oh-mme-80"}


# ── thresholds ──


def crossed(mme: int, pack: GuidelinePack, history: History | None = None) -> list[str]:
    return [t.id for t in thresholds_crossed(D(mme), pack, history)]


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_thresholds_are_crossed_at_50_and_90_mme(pack: GuidelinePack) -> None:
    assert crossed(49, pack) == []
    assert crossed(50, pack) == ["mme-50"]
    assert crossed(89, pack) == ["mme-50"]
    assert crossed(90, pack) == ["mme-50", "mme-90"]


def test_washington_requires_a_consultation_at_120_unless_tapering() -> None:
    wa = load_pack(state="WA")
    assert "wa-consult-120" not in crossed(119, wa)
    consult = next(t for t in thresholds_crossed(D(120), wa) if t.id == "wa-consult-120")
    assert not consult.exempt
    assert consult.jurisdiction == "WA"
    assert consult.source == "WAC-246-918-880"
    tapering = next(
        t
        for t in thresholds_crossed(D(150), wa, History(tapering=True))
        if t.id == "wa-consult-120"
    )
    assert tapering.exempt
    assert tapering.exempt_reason


def test_ohio_tiers_are_crossed_at_50_80_and_120_and_carry_a_verify_note() -> None:
    ohio = load_pack(state="oh")
    assert crossed(80, ohio) == ["mme-50", "oh-50", "oh-80"]
    all_ohio = [t for t in thresholds_crossed(D(120), ohio) if t.jurisdiction == "OH"]
    assert [t.id for t in all_ohio] == ["oh-50", "oh-80", "oh-120"]
    assert all(t.verify and t.source == "OAC-4731-11-14" and t.effective for t in all_ohio)


def test_a_state_overlay_leaves_the_base_pack_unchanged() -> None:
    load_pack(state="WA")
    assert [t.id for t in load_pack().thresholds] == ["mme-50", "mme-90"]
    assert load_pack(state="WA").label == "cdc-2022+WA"


# ── the whole review ──


def test_a_review_lists_unknown_medicines_as_unchecked_with_suggestions() -> None:
    result = review(["oxycodone", "Xanaxx", "grandma's tonic"], PACKS[0])
    names = {u.name: u.suggestions for u in result.unchecked}
    assert set(names) == {"Xanaxx", "grandma's tonic"}
    assert "alprazolam" in names["Xanaxx"]
    assert any("not checked" in w for w in result.warnings)


def test_a_review_counts_doses_in_mme_and_warns_about_opioids_without_one() -> None:
    result = review([MedicationDose("oxycodone", D(40), "mg"), "morphine", "alprazolam"], PACKS[0])
    assert result.total_mme_per_day == 60
    assert [t.id for t in result.thresholds] == ["mme-50"]
    assert result.naloxone.recommended
    assert any(w.startswith("morphine: no dose") for w in result.warnings)


def test_a_review_scores_the_ort_when_answers_are_given() -> None:
    result = review(["oxycodone"], PACKS[0], ort_answers=[0, 0, 0, 0, 0, 1, 1, 0, 0, 0], sex="male")
    assert result.ort is not None
    assert result.ort.total == 6  # personal history of prescription drugs 5 + age 1
    assert result.ort.band == "moderate"


def test_buprenorphine_in_a_review_is_excluded_from_mme_but_still_reviewed() -> None:
    result = review(
        [MedicationDose("buprenorphine", D(20), "mcg/h", form="patch"), "lorazepam"], PACKS[0]
    )
    assert result.total_mme_per_day == 0
    assert [e.drug for e in result.mme.excluded] == ["buprenorphine"]
    assert "opioid-benzodiazepine" in {f.id for f in result.findings}
    assert result.naloxone.recommended


medication_names = st.sampled_from(
    [d.name for d in FORMULARY] + ["Soma", "Xanax", "OxyContin", "unknownium", "tylenol #3"]
)
dosed = st.sampled_from(
    [
        MedicationDose("oxycodone", D(30), "mg"),
        MedicationDose("fentanyl", D(25), "mcg/h", form="patch"),
        MedicationDose("methadone", D(20), "mg"),
        MedicationDose("buprenorphine", D(10), "mcg/h", form="patch"),
    ]
)
medication_lists = st.lists(st.one_of(medication_names, dosed), max_size=8)


@given(medication_lists, st.randoms(use_true_random=False), st.sampled_from(PACKS))
def test_a_review_does_not_depend_on_medication_order(
    medications: list[str | MedicationDose], random: object, pack: GuidelinePack
) -> None:
    shuffled = list(medications)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = review(medications, pack), review(shuffled, pack)
    assert first.findings == second.findings
    assert first.naloxone == second.naloxone
    assert first.thresholds == second.thresholds
    assert first.unchecked == second.unchecked
    assert first.total_mme_per_day == second.total_mme_per_day
    assert first.warnings == second.warnings


@given(medication_lists, st.sampled_from(PACKS), st.sampled_from([None, "WA", "OH"]))
def test_every_finding_reason_and_threshold_carries_a_known_source(
    medications: list[str | MedicationDose], pack: GuidelinePack, state: str | None
) -> None:
    sources = load_sources()
    result = review(medications, load_pack(pack.id, state), history=History(tapering=True))
    for found in result.findings:
        assert found.source in sources
        assert all(s in sources for s in found.also)
        assert found.drugs
        assert found.summary
        assert found.action
    assert all(r.source in sources for r in result.naloxone.reasons)
    assert all(t.source in sources for t in result.thresholds)


# ── the pack validator ──


def pack_document() -> dict[str, object]:
    document = copy.deepcopy(read_toml(PACKS_DIR / "cdc-2022.toml"))
    included = read_toml(PACKS_DIR / "_interactions.toml")
    document["interaction"] = copy.deepcopy(included["interaction"])
    document["include"] = ["_naloxone.toml"]
    return document


def test_the_pack_validator_accepts_the_shipped_pack() -> None:
    assert parse_pack(pack_document(), where="test").id == "cdc-2022"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["interaction"][0]["slots"][0].update(classes=["opiates"]), "unknown class"),
        (lambda d: d["interaction"][0].update(source="WIKIPEDIA"), "unknown source"),
        (lambda d: d["interaction"][0].update(severity="serious"), "severity"),
        (lambda d: d["factor"][0].update(source=None), "needs a source"),
        (lambda d: d["factor"][0].update(factor=D("-0.15")), "positive"),
        (lambda d: d["factor"][0].update(drug="unobtainium"), "not a generic name"),
        (lambda d: d["threshold"][0].update(exempt_when=["vacation"]), "history flag"),
        (lambda d: d["factor"].append(dict(d["factor"][0])), "two factors"),
    ],
)
def test_the_pack_validator_rejects_bad_entries(change: object, message: str) -> None:
    document = pack_document()
    change(document)  # type: ignore[operator]
    with pytest.raises(DataError, match=message):
        parse_pack(document, where="test")


def test_every_rule_factor_and_threshold_in_the_packs_cites_a_known_source() -> None:
    sources = load_sources()
    for pack in [*PACKS, load_pack(state="WA"), load_pack(state="OH")]:
        entries: list[Any] = [
            *pack.factors,
            *pack.exclusions,
            *pack.thresholds,
            *pack.naloxone,
            *pack.interactions,
        ]
        assert entries
        assert all(entry.source in sources for entry in entries)
        assert all(rule.effective for rule in pack.thresholds)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_oxycodone_clonazepam_and_carisoprodol_are_contraindicated_in_the_full_review(
    pack: GuidelinePack,
) -> None:
    medications = [
        MedicationDose("oxycodone", D(30), "mg"),
        "clonazepam",
        "carisoprodol",
    ]
    result = review(medications, pack)
    top = result.findings[0]
    assert (top.id, top.severity) == ("opioid-benzodiazepine-carisoprodol", "contraindicated")
    assert set(top.drugs) == {"oxycodone", "clonazepam", "carisoprodol"}
