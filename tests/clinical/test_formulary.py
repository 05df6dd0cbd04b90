"""The formulary data: names, products and the checks made when it is loaded."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from taperwell.clinical.formulary import (
    FORMULARY_PATH,
    DataError,
    UnknownDrug,
    load_formulary,
    load_sources,
    parse_formulary,
    read_toml,
)

# Every opioid the clinical reference names (sections 1, 6 and 9).
REFERENCE_OPIOIDS = [
    "codeine", "fentanyl", "hydrocodone", "hydromorphone", "methadone", "morphine", "oxycodone",
    "oxymorphone", "tapentadol", "tramadol", "buprenorphine", "dihydrocodeine", "levorphanol",
    "meperidine", "butorphanol", "pentazocine", "nalbuphine",
]  # fmt: skip

D = Decimal


def raw_document() -> dict[str, Any]:
    return copy.deepcopy(read_toml(FORMULARY_PATH))


def drug_entry(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in document["drug"] if d["name"] == name)


def test_every_opioid_in_the_reference_is_known_with_at_least_one_product() -> None:
    formulary = load_formulary()
    for name in REFERENCE_OPIOIDS:
        drug = formulary.get(name)
        assert drug.is_opioid, name
        assert drug.products, name


def test_names_match_case_insensitively_by_generic_brand_or_rxcui() -> None:
    formulary = load_formulary()
    assert formulary.get("OXYCODONE").name == "oxycodone"
    assert formulary.get("oxycontin").name == "oxycodone"
    assert formulary.get("  Xanax ").name == "alprazolam"
    assert formulary.get("7804").name == "oxycodone"
    assert formulary.find("no such medicine") is None


def test_an_unknown_name_raises_with_close_suggestions() -> None:
    with pytest.raises(UnknownDrug) as raised:
        load_formulary().get("oxycodon")
    assert isinstance(raised.value, KeyError)
    assert "oxycodone" in raised.value.suggestions
    assert "oxycodone" in str(raised.value)


def test_the_formulary_is_loaded_once() -> None:
    assert load_formulary() is load_formulary()


def test_oxycodone_ir_strengths_and_scoring_follow_the_reference_table() -> None:
    tablet = load_formulary().get("oxycodone").product(form="tablet", release="IR")
    assert tablet.strengths == (D(5), D(10), D(15), D(20), D(30))
    assert tablet.scored == (D(5), D(15), D(30))
    assert tablet.splittable


def test_patches_keep_their_wear_interval() -> None:
    formulary = load_formulary()
    assert formulary.get("fentanyl").product(form="patch").wear_hours == 72
    assert formulary.get("buprenorphine").product(form="patch").wear_hours == 168
    fentanyl = formulary.get("fentanyl").product(form="patch")
    assert fentanyl.strengths == tuple(
        D(s) for s in ("12", "25", "37.5", "50", "62.5", "75", "87.5", "100")
    )
    assert fentanyl.unit == "mcg/h"


def test_extended_release_products_and_patches_are_never_splittable() -> None:
    for drug in load_formulary():
        for product in drug.products:
            if product.release == "ER" or product.form == "patch":
                assert not product.splittable, (drug.name, product)
                assert product.scored == (), (drug.name, product)


def test_strengths_are_positive_and_ascending_everywhere() -> None:
    for drug in load_formulary():
        for product in drug.products:
            assert all(s > 0 for s in product.strengths)
            assert list(product.strengths) == sorted(product.strengths)


def test_every_drug_and_product_cites_a_known_source_and_products_carry_a_verify_note() -> None:
    sources = load_sources()
    for drug in load_formulary():
        assert drug.source in sources
        for product in drug.products:
            assert product.source in sources
            # The reference asks that every strength be checked against its label.
            assert product.verify, (drug.name, product)


def test_asking_for_a_product_the_drug_does_not_have_raises_lookup_error() -> None:
    with pytest.raises(LookupError, match="oxycodone has no"):
        load_formulary().get("oxycodone").product(form="patch")


def test_the_interacting_classes_named_in_the_issue_all_have_members() -> None:
    formulary = load_formulary()
    for class_name in [
        "benzodiazepine", "z-drug", "gabapentinoid", "muscle-relaxant", "barbiturate", "ssri",
        "snri", "tca", "maoi", "triptan", "sedating-antipsychotic", "cyp3a4-inhibitor",
        "cyp3a4-inducer", "cyp2d6-inhibitor", "qt-prolonging", "partial-agonist",
        "opioid-antagonist", "mixed-agonist-antagonist", "nsaid", "topical-analgesic",
    ]:  # fmt: skip
        assert formulary.in_class(class_name), class_name
    assert "carisoprodol" in {d.name for d in formulary.in_class("muscle-relaxant")}
    assert "duloxetine" in {d.name for d in formulary.in_class("non-opioid-analgesic")}


def test_the_validator_rejects_an_unknown_class() -> None:
    document = raw_document()
    drug_entry(document, "alprazolam")["classes"] = ["benzodiazepine", "sleepy-pill"]
    with pytest.raises(DataError, match=r"unknown class.*sleepy-pill"):
        parse_formulary(document)


def test_the_validator_rejects_an_unknown_or_missing_source() -> None:
    document = raw_document()
    drug_entry(document, "morphine")["product"][0]["source"] = "A-BLOG-POST"
    with pytest.raises(DataError, match="unknown source 'A-BLOG-POST'"):
        parse_formulary(document)
    document = raw_document()
    drug_entry(document, "morphine")["source"] = ""
    with pytest.raises(DataError, match="needs a source"):
        parse_formulary(document)


def test_the_validator_rejects_a_negative_strength() -> None:
    document = raw_document()
    drug_entry(document, "morphine")["product"][0]["strengths"] = [D(-15), D(30)]
    with pytest.raises(DataError, match="positive"):
        parse_formulary(document)


def test_the_validator_rejects_a_scored_extended_release_tablet() -> None:
    document = raw_document()
    er = next(p for p in drug_entry(document, "oxycodone")["product"] if p["release"] == "ER")
    er["scored"] = [D(10)]
    with pytest.raises(DataError, match="never be split"):
        parse_formulary(document)


def test_the_validator_rejects_a_patch_without_wear_interval_and_a_name_used_twice() -> None:
    document = raw_document()
    del drug_entry(document, "fentanyl")["product"][0]["wear_hours"]
    with pytest.raises(DataError, match="wear_hours"):
        parse_formulary(document)
    document = raw_document()
    drug_entry(document, "alprazolam")["aliases"].append("Valium")
    with pytest.raises(DataError, match="names both"):
        parse_formulary(document)


def test_the_clinical_package_imports_nothing_from_django() -> None:
    package = Path(FORMULARY_PATH).parent.parent
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text, path.name
        assert "from django" not in text, path.name
