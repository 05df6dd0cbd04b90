"""Reading an EHR's Bundle of MedicationStatement / MedicationRequest into proposed medicine rows.

Every entry ends up in exactly one list: `matched` (a formulary drug with a dose taperwell can
count, ready to add), `undosed` (a known medicine whose dose the file does not give in a form we
can count: shown, never added), `unknown` (a medicine whose code or name taperwell does not know,
for a clinician to match by hand) or `skipped` (not a current medicine, or not a medicine at all,
with the reason). Nothing is dropped silently.

The dose comes from two places:
- the product: an RxNorm clinical or branded drug code (SCD/SBD) from `data/rxnorm_products.toml`
  gives the drug, strength per unit, form and release (an ingredient code gives only the drug;
  then the strength is read from the text);
- `dosage` / `dosageInstruction`: `doseAndRate.doseQuantity` (in mg, mcg/h, or in tablets,
  capsules or patches, multiplied by the product's strength), and `timing.repeat` (`timeOfDay`,
  `when`, or `frequency` per `period` and `periodUnit`, or a `timing.code` such as Q6H) for the
  times; `asNeeded[x]` with `maxDosePerPeriod` (or the timing's most per day) for as-needed maxima.

The Bundle's Patient (name, birth date, identifiers) is read too, so the preview can show whose
record it is beside ours.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from taperwell.clinical.formulary import load_formulary
from taperwell.fhir.export import PRODUCT, RXNORM

MEDICINE_TYPES = {"MedicationStatement", "MedicationRequest"}
CURRENT = {"active", "intended", "on-hold", "draft", "unknown"}
FORMS = ("tablet", "capsule", "patch", "solution", "film", "spray", "injection", "lozenge")


class BundleError(ValueError):
    """The file is not a FHIR Bundle we can read; the message says why."""


# Limits checked before the JSON parser runs: Python's parser recurses once per nested `[` or
# `{`, so a file of 100,000 `[` would exhaust the stack. A real Bundle nests about 10 deep.
MAX_BUNDLE_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64


def _parse_json(text: str | bytes) -> Any:
    """The parsed document, or BundleError when it is too large, too deep or not JSON."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BundleError("The file is not JSON.") from error
    if len(text.encode("utf-8", errors="replace")) > MAX_BUNDLE_BYTES:
        raise BundleError("The file is larger than 2 MB.")
    depth, in_string, escaped = 0, False, False
    for char in text:  # one pass, outside strings only
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise BundleError(
                    f"The file nests more than {MAX_JSON_DEPTH} levels deep: not a FHIR Bundle."
                )
        elif char in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BundleError("The file is not JSON.") from error


@dataclass
class Line:
    where: str  # e.g. "entry 3 (MedicationStatement)"
    text: str  # what the EHR called it
    code: str = ""  # the RxNorm code, when there was one
    fields: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class BundlePatient:
    """Whose record the Bundle says it is."""

    name: str
    birth_date: date | None
    identifiers: tuple[str, ...]


@dataclass
class ImportResult:
    matched: list[Line] = field(default_factory=list)
    undosed: list[Line] = field(default_factory=list)
    unknown: list[Line] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)
    patient: BundlePatient | None = None  # the first Patient in the file
    patients_in_file: int = 0

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.undosed) + len(self.unknown) + len(self.skipped)


@dataclass(frozen=True)
class Product:
    """One RxNorm clinical (SCD) or branded (SBD) drug: what one tablet, capsule or patch is."""

    rxcui: str
    tty: str
    name: str
    drug: str
    strength: Decimal
    unit: str
    form: str
    release: str
    source: str
    brand: str = ""
    partner: str = ""


PRODUCTS_PATH = Path(__file__).resolve().parent / "data" / "rxnorm_products.toml"


@functools.cache
def load_products(path: Path = PRODUCTS_PATH) -> dict[str, Product]:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = document.get("sources", {})
    products = {}
    for raw in document.get("product", []):
        if raw["source"] not in sources:
            raise ValueError(f"{path.name}: {raw['rxcui']} cites unknown source {raw['source']}")
        products[raw["rxcui"]] = Product(
            rxcui=raw["rxcui"],
            tty=raw["tty"],
            name=raw["name"],
            drug=raw["drug"],
            strength=Decimal(str(raw["strength"])),
            unit=raw["unit"],
            form=raw["form"],
            release=raw["release"],
            source=raw["source"],
            brand=raw.get("brand", ""),
            partner=raw.get("partner", ""),
        )
    return products


def read_bundle(text: str | bytes) -> ImportResult:
    document = _parse_json(text)
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise BundleError("The file is not a FHIR Bundle (resourceType must be Bundle).")
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise BundleError(f"The Bundle is not valid FHIR R4: {where}: {first['msg']}") from error
    contained = _medications_by_reference(document)
    result = ImportResult()
    for n, entry in enumerate(document.get("entry") or [], start=1):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType", "?")
        where = f"entry {n} ({kind})"
        if kind == "Patient":
            result.patients_in_file += 1
            result.patient = result.patient or _bundle_patient(resource)
        if kind not in MEDICINE_TYPES:
            if kind not in {"Medication", "Patient"}:
                result.skipped.append(Line(where, kind, reason="Not a medicine statement."))
            continue
        result_line = _line(where, resource, contained)
        status = resource.get("status", "unknown")
        if status not in CURRENT:
            result_line.reason = f"Status is {status}: not a current medicine."
            result.skipped.append(result_line)
        elif result_line.fields.get("drug") and result_line.reason:
            result.undosed.append(result_line)
        elif result_line.fields.get("drug"):
            result.matched.append(result_line)
        else:
            result_line.reason = "No medicine in taperwell's formulary has this code or name."
            result.unknown.append(result_line)
    return result


def _medications_by_reference(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for entry in document.get("entry") or []:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") == "Medication":
            if entry.get("fullUrl"):
                found[entry["fullUrl"]] = resource
            if resource.get("id"):
                found[f"Medication/{resource['id']}"] = resource
    return found


def _concept(resource: dict[str, Any], contained: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if "medicationCodeableConcept" in resource:
        return resource["medicationCodeableConcept"] or {}
    reference = (resource.get("medicationReference") or {}).get("reference", "")
    local = {f"#{m.get('id')}": m for m in resource.get("contained") or []}
    medication = local.get(reference) or contained.get(reference) or {}
    concept = dict(medication.get("code") or {})
    if not concept and (resource.get("medicationReference") or {}).get("display"):
        concept = {"text": resource["medicationReference"]["display"]}
    return concept


def _line(where: str, resource: dict[str, Any], contained: dict[str, Any]) -> Line:
    concept = _concept(resource, contained)
    codings = concept.get("coding") or []
    rxnorm = [c.get("code", "") for c in codings if c.get("system") == RXNORM and c.get("code")]
    names = [concept.get("text", "")] + [c.get("display", "") for c in codings]
    text = next((n for n in names if n), rxnorm[0] if rxnorm else "(no name)")
    line = Line(where, text, code=rxnorm[0] if rxnorm else "")
    formulary = load_formulary()
    products = load_products()
    product = next((products[code] for code in rxnorm if code in products), None)
    drug = formulary.find(product.drug) if product else None
    for code in rxnorm:
        if drug:
            break
        drug = formulary.find(code)
    if drug is None:
        coded = next((c.get("code", "") for c in codings if c.get("system") == PRODUCT), "")
        candidates = [coded.split("|")[0]] if coded else []
        candidates += [n.split()[0] for n in names if n] + [n for n in names if n]
        for name in candidates:
            drug = formulary.find(name)
            if drug:
                break
    if drug is None:
        return line
    details, problem = _details(codings, resource, text, product)
    line.fields = {"drug": drug.name, **details}
    line.reason = problem
    return line


def _details(
    codings: list[dict[str, Any]], resource: dict[str, Any], text: str, product: Product | None
) -> tuple[dict[str, Any], str]:
    """The row's fields for the medicine list, and why it cannot be dosed ("" when it can)."""
    fields: dict[str, Any] = {"form": "", "release": "", "times": [], "as_needed": False}
    coded = next((c.get("code", "") for c in codings if c.get("system") == PRODUCT), "")
    if product is not None:
        fields["rxcui"] = product.rxcui
        fields["form"], fields["release"] = product.form, product.release
    elif coded.count("|") == 2:
        _, fields["release"], fields["form"] = coded.split("|")
    else:
        lowered = f" {text.lower()} "
        fields["release"] = (
            "ER"
            if re.search(r"\b(er|xr|sr|extended|12 hr|24 hr)\b", lowered)
            else ("IR" if re.search(r"\b(ir|immediate)\b", lowered) else "")
        )
        fields["form"] = next((f for f in FORMS if f in lowered), "")
        if "transdermal" in lowered:
            fields["form"] = "patch"
    dosages = resource.get("dosage") or resource.get("dosageInstruction") or []
    dosage = dosages[0] if dosages else {}
    timing = dosage.get("timing") or {}
    per_day, times = _per_day(timing)
    strength, unit, problem = _dose(dosage, product, text)
    if strength is not None:
        fields["strength"], fields["unit"] = strength, unit
    as_needed = bool(dosage.get("asNeededBoolean") or dosage.get("asNeededCodeableConcept"))
    fields["as_needed"] = as_needed
    if as_needed:
        most = _max_per_day(dosage.get("maxDosePerPeriod"), strength)
        if most is None and per_day:
            most = per_day  # "every 6 hours as needed": at most what the timing allows
        if most:
            fields["max_prn_per_day"] = most
        elif not problem:
            problem = "As needed, with no most-per-day: cannot count it."
    else:
        fields["times"] = times
        if not times and unit not in PATCH_UNITS and not problem:
            problem = "No times or how often a day: cannot count it."
    fields["directions"] = dosage.get("text", "") or _directions(dosage, per_day, as_needed)
    if product is not None and product.partner:
        fields["directions"] = f"{fields['directions']} (with {product.partner})".strip()
    if problem:
        problem = f"{problem} Not added: add it by hand once the dose is known."
    return fields, problem


PATCH_UNITS = {"mcg/h", "mcg/hr", "ug/h"}
MASS_UNITS = {"mg": "mg", "mcg": "mcg", "ug": "mcg", "mcg/h": "mcg/h", "mcg/hr": "mcg/h"}
MASS_UNITS["ug/h"] = "mcg/h"
COUNT_UNITS = {
    "tablet",
    "tablets",
    "tab",
    "tabs",
    "{tbl}",
    "{tablet}",
    "{tablets}",
    "capsule",
    "capsules",
    "cap",
    "caps",
    "{capsule}",
    "{cap}",
    "patch",
    "patches",
    "{patch}",
    "film",
    "{film}",
    "1",
    "{unit}",
    "unit",
    "dose",
    "{dose}",
}
_STRENGTH_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|mcg/h|mcg/hr|mcg)\b", re.IGNORECASE)


def _dose(
    dosage: dict[str, Any], product: Product | None, text: str
) -> tuple[Decimal | None, str, str]:
    """The amount of one dose (strength and unit), or why it is not known."""
    quantity: dict[str, Any] = {}
    for rate in dosage.get("doseAndRate") or []:
        if (rate.get("doseQuantity") or {}).get("value") is not None:
            quantity = rate["doseQuantity"]
            break
    try:
        value = Decimal(str(quantity["value"])) if quantity else None
    except InvalidOperation:
        value = None
    unit = str(quantity.get("unit") or quantity.get("code") or "").strip().lower()
    if value is not None and value <= 0:
        return None, "", "The dose is zero or less."
    if value is not None and unit in MASS_UNITS:
        return value, MASS_UNITS[unit], ""
    per_unit: tuple[Decimal, str] | None = None
    if product is not None:
        per_unit = (product.strength, product.unit)
    else:
        found = _STRENGTH_IN_TEXT.search(text)
        if found:
            per_unit = (Decimal(found.group(1)), MASS_UNITS.get(found.group(2).lower(), "mg"))
    if per_unit is None:
        return None, "", "The strength is not given."
    if value is None:
        # No dose quantity: one tablet, capsule or patch a time, as EHRs often leave it out.
        return per_unit[0], per_unit[1], ""
    if unit in COUNT_UNITS or not unit:
        return per_unit[0] * value, per_unit[1], ""
    return None, "", f"The dose is given in {unit!r}, which taperwell cannot count."


_HOURS = {"h": Decimal(1), "d": Decimal(24), "wk": Decimal(24 * 7), "min": Decimal(1) / 60}
# FHIR `when` codes (event timing) as clock times a clinic would suggest; the patient's own
# times replace them on the medicine list.
WHEN_TIMES = {
    "WAKE": "07:00",
    "MORN": "08:00",
    "ACM": "08:00",
    "CM": "08:00",
    "PCM": "08:00",
    "NOON": "12:00",
    "ACD": "12:00",
    "CD": "12:00",
    "PCD": "12:00",
    "AFT": "15:00",
    "EVE": "18:00",
    "ACV": "18:00",
    "CV": "18:00",
    "PCV": "18:00",
    "NIGHT": "22:00",
    "HS": "22:00",
    "C": "08:00",
}
# Common timing abbreviations (FHIR TimingAbbreviation) as doses a day.
TIMING_CODES = {
    "QD": 1,
    "QOD": 0,
    "AM": 1,
    "PM": 1,
    "QAM": 1,
    "QPM": 1,
    "QHS": 1,
    "BID": 2,
    "TID": 3,
    "QID": 4,
    "Q4H": 6,
    "Q6H": 4,
    "Q8H": 3,
    "Q12H": 2,
}
ONE_A_DAY_AT = {"QHS": ["22:00"], "PM": ["20:00"], "QPM": ["20:00"]}
# Times spread over a waking day for "n a day" (every n hours is spread over 24 hours instead).
SPREAD = {
    1: ["08:00"],
    2: ["08:00", "20:00"],
    3: ["08:00", "14:00", "20:00"],
    4: ["08:00", "12:00", "16:00", "20:00"],
}


def _per_day(timing: dict[str, Any]) -> tuple[int, list[str]]:
    """Doses a day and their clock times, from a FHIR Timing (0 and [] when it says neither)."""
    repeat = timing.get("repeat") or {}
    if repeat.get("timeOfDay"):
        times = sorted({str(t)[:5] for t in repeat["timeOfDay"]})
        return len(times), times
    if repeat.get("when"):
        times = sorted({WHEN_TIMES[w] for w in repeat["when"] if w in WHEN_TIMES})
        return len(times), times
    code = next(
        (c.get("code", "") for c in (timing.get("code") or {}).get("coding") or []), ""
    ).upper()
    if repeat.get("period") is not None and repeat.get("periodUnit") in _HOURS:
        try:
            hours = Decimal(str(repeat["period"])) * _HOURS[repeat["periodUnit"]]
            frequency = Decimal(str(repeat.get("frequencyMax") or repeat.get("frequency") or 1))
        except InvalidOperation:
            return 0, []
        if hours <= 0:
            return 0, []
        per_day = frequency * 24 / hours
        if per_day != per_day.to_integral_value() or not 1 <= per_day <= 24:
            return 0, []
        count = int(per_day)
        if repeat["periodUnit"] == "h" and frequency == 1:
            every = int(hours)
            start = 6 if count >= 3 else 8  # every 8 h: 06, 14, 22, not midnight
            return count, sorted(f"{(start + every * i) % 24:02d}:00" for i in range(count))
        return count, _spread(count)
    count = TIMING_CODES.get(code, 0)
    if count:
        if code.startswith("Q") and code.endswith("H"):
            every = 24 // count
            start = 6 if count >= 3 else 8  # every 8 h: 06, 14, 22, not midnight
            return count, sorted(f"{(start + every * i) % 24:02d}:00" for i in range(count))
        return count, ONE_A_DAY_AT.get(code) or _spread(count)
    return 0, []


def _spread(count: int) -> list[str]:
    if count in SPREAD:
        return SPREAD[count]
    every = 24 // count
    return sorted(f"{(6 + every * i) % 24:02d}:00" for i in range(count))


def _max_per_day(ratio: Any, strength: Decimal | None) -> int | None:
    """`maxDosePerPeriod` as doses a day (a most in mg is divided by one dose's strength)."""
    if not isinstance(ratio, dict):
        return None
    numerator = ratio.get("numerator") or {}
    denominator = ratio.get("denominator") or {}
    try:
        amount = Decimal(str(numerator.get("value")))
        span = Decimal(str(denominator.get("value", 1)))
    except InvalidOperation:
        return None
    unit = str(denominator.get("code") or denominator.get("unit") or "d").lower()
    hours = {"d": 24, "day": 24, "days": 24, "h": 1, "hour": 1, "hours": 1}.get(unit)
    if hours is None or span <= 0 or amount <= 0:
        return None
    per_day = amount * 24 / (span * hours)
    numerator_unit = str(numerator.get("unit") or numerator.get("code") or "").lower()
    if numerator_unit in MASS_UNITS:
        if not strength:
            return None
        per_day = per_day / strength
    most = int(per_day)  # never round a maximum up
    return most if most >= 1 else None


def _directions(dosage: dict[str, Any], per_day: int, as_needed: bool) -> str:
    if not per_day:
        return "as needed" if as_needed else ""
    words = {1: "once a day", 2: "twice a day"}.get(per_day, f"{per_day} times a day")
    return f"up to {words}, as needed" if as_needed else words


def _bundle_patient(resource: dict[str, Any]) -> BundlePatient:
    names = resource.get("name") or []
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    name = (
        official.get("text")
        or " ".join([*official.get("given", []), official.get("family", "")]).strip()
    )
    try:
        born = date.fromisoformat(resource["birthDate"]) if resource.get("birthDate") else None
    except ValueError:
        born = None
    identifiers = tuple(
        f"{i.get('system', '')} {i.get('value', '')}".strip()
        for i in resource.get("identifier") or []
        if i.get("value")
    )
    return BundlePatient(name=name or "(no name)", birth_date=born, identifiers=identifiers)


def same_person(bundle: BundlePatient | None, *, name: str, birth_date: date | None) -> bool:
    """Whether the Bundle's Patient is clearly ours: the same name (in any order and case) and the
    same birth date. Anything less needs a person to confirm."""
    if bundle is None or bundle.birth_date is None or birth_date is None:
        return False

    def words(text: str) -> list[str]:
        return sorted(re.findall(r"[a-z]+", text.casefold()))

    return words(bundle.name) == words(name) and bundle.birth_date == birth_date
