"""Reading an EHR's Bundle of MedicationStatement / MedicationRequest into proposed medicine rows.

Every entry ends up in exactly one list: `matched` (a formulary drug, ready to add), `unknown`
(a medicine whose code or name taperwell does not know, for a clinician to match by hand) or
`skipped` (not a current medicine, or not a medicine at all, with the reason). Nothing is
dropped silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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


@dataclass
class ImportResult:
    matched: list[Line] = field(default_factory=list)
    unknown: list[Line] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.unknown) + len(self.skipped)


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
        if kind not in MEDICINE_TYPES:
            if kind not in {"Medication", "Patient"}:
                result.skipped.append(Line(where, kind, reason="Not a medicine statement."))
            continue
        result_line = _line(where, resource, contained)
        status = resource.get("status", "unknown")
        if status not in CURRENT:
            result_line.reason = f"Status is {status}: not a current medicine."
            result.skipped.append(result_line)
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
    drug = None
    for code in rxnorm:
        drug = formulary.find(code)
        if drug:
            break
    if drug is None:
        product = next((c.get("code", "") for c in codings if c.get("system") == PRODUCT), "")
        candidates = [product.split("|")[0]] if product else []
        candidates += [n.split()[0] for n in names if n] + [n for n in names if n]
        for name in candidates:
            drug = formulary.find(name)
            if drug:
                break
    if drug is None:
        return line
    line.fields = {"drug": drug.name, **_details(concept, codings, resource, text)}
    return line


def _details(
    concept: dict[str, Any], codings: list[dict[str, Any]], resource: dict[str, Any], text: str
) -> dict[str, Any]:
    fields: dict[str, Any] = {"form": "", "release": "", "times": [], "as_needed": False}
    product = next((c.get("code", "") for c in codings if c.get("system") == PRODUCT), "")
    if product.count("|") == 2:
        _, fields["release"], fields["form"] = product.split("|")
    else:
        lowered = f" {text.lower()} "
        fields["release"] = (
            "ER"
            if re.search(r"\b(er|xr|sr|extended)\b", lowered)
            else ("IR" if re.search(r"\b(ir|immediate)\b", lowered) else "")
        )
        fields["form"] = next((f for f in FORMS if f in lowered), "")
    dosages = resource.get("dosage") or resource.get("dosageInstruction") or []
    dosage = dosages[0] if dosages else {}
    fields["directions"] = dosage.get("text", "")
    times = ((dosage.get("timing") or {}).get("repeat") or {}).get("timeOfDay") or []
    fields["times"] = [t[:5] for t in times]
    fields["as_needed"] = bool(dosage.get("asNeededBoolean"))
    per_day = ((dosage.get("maxDosePerPeriod") or {}).get("numerator") or {}).get("value")
    if per_day:
        fields["max_prn_per_day"] = int(per_day)
    for rate in dosage.get("doseAndRate") or []:
        quantity = rate.get("doseQuantity") or {}
        if quantity.get("value") is not None:
            try:
                fields["strength"] = Decimal(str(quantity["value"]))
            except InvalidOperation:
                continue
            fields["unit"] = quantity.get("unit") or quantity.get("code") or ""
            break
    return fields
