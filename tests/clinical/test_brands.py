"""Brand names resolve to their product: release, form and combination partner."""

from __future__ import annotations

from typing import Any

import pytest

from taperwell.clinical.formulary import (
    DataError,
    load_formulary,
    parse_brands,
    resolve_name,
)


@pytest.mark.parametrize(
    ("name", "drug", "release", "combination"),
    [
        ("OxyContin", "oxycodone", "ER", None),
        ("oxycontin", "oxycodone", "ER", None),
        ("Percocet", "oxycodone", "IR", "acetaminophen 325 mg"),
        ("Norco", "hydrocodone", "IR", "acetaminophen 325 mg"),
        ("Hysingla ER", "hydrocodone", "ER", None),
        ("MS Contin", "morphine", "ER", None),
        ("Exalgo", "hydromorphone", "ER", None),
        ("Opana ER", "oxymorphone", "ER", None),
        ("Nucynta ER", "tapentadol", "ER", None),
        ("Duragesic", "fentanyl", "ER", None),
    ],
)
def test_a_brand_names_its_drug_release_and_partner(
    name: str, drug: str, release: str, combination: str | None
) -> None:
    resolved = resolve_name(name)
    assert resolved is not None
    assert (resolved.drug.name, resolved.release, resolved.combination) == (
        drug,
        release,
        combination,
    )
    assert resolved.brand is not None


def test_a_generic_name_fixes_no_release_and_an_unknown_name_resolves_to_nothing() -> None:
    resolved = resolve_name("oxycodone")
    assert resolved is not None
    assert (resolved.release, resolved.brand, resolved.combination) == (None, None, None)
    assert resolve_name("oxycodon") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "Nowhere", "drug": "nothing", "release": "IR"}, "unknown drug"),
        ({"name": "Zzz", "drug": "oxycodone", "release": "IR"}, "alias"),
        ({"name": "OxyContin", "drug": "oxycodone", "release": "XR"}, "IR or ER"),
    ],
)
def test_the_brand_table_is_checked_against_the_formulary(
    entry: dict[str, Any], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        parse_brands({"brand": [entry]}, load_formulary())
