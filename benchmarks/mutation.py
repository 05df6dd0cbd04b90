"""`make mutation`: mutmut over the clinical core's safety rules, with tests/clinical.

Runs mutmut 3 (configured in pyproject.toml, `[tool.mutmut]`) niced, with few child processes
and the few-examples hypothesis profile (`HYPOTHESIS_PROFILE=mutation`), then writes
`benchmarks/results/mutation.json`: killed, survived, timeout, the score, and every mutant that
survives with why (`benchmarks/mutation_survivors.toml`, kept by hand).

    MUTATION_SCOPE=safety  (default) the safety rules below, about 500 mutants
    MUTATION_SCOPE=all     every function of taperwell/clinical/ (about 10,000 mutants: hours
                           on a shared two-core machine)
    MUTATION_CHILDREN=2    how many mutants run at once
    MUTATION_REPORT_ONLY=1 write the json from the last run's results, running nothing
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results" / "mutation.json"
SURVIVORS = ROOT / "benchmarks" / "mutation_survivors.toml"
CLINICAL = "taperwell.clinical"

# The safety rules (issue 19): taper invariants and the rapid bound, the crisis and self-harm
# check-in rules, the interaction classes and the naloxone triggers. mutmut names a function
# `x_name`, a method `xǁClassǁname`.
SAFETY = {
    "taper": [
        "check_policy",
        "check_steps",
        "validate_schedule",
        "_ceiling",
        "_is_methadone",
    ],
    "bumps": [
        "_self_harm",
        "_item9",
        "_overdose",
        "_naloxone_used",
        "_non_prescribed_opioids",
        "_said_yes",
    ],
    "review": [
        "find_interactions",
        "_apply_rule",
        "severity_rank",
        "_most_severe_first",
        "naloxone_recommendation",
        "ǁHistoryǁflag",
        "ǁHistoryǁflags",
        "ǁHistoryǁfrom_mapping",
    ],
}

# mutmut's exit codes (mutmut/stats.py)
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS |= {36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}
STATUS |= {37: "caught by type check", None: "not checked"}
KILLED = ("killed", "timeout", "caught by type check")


def patterns(scope: str) -> list[str]:
    if scope == "all":
        return [f"{CLINICAL}.*"]
    names = []
    for module, functions in SAFETY.items():
        for function in functions:
            prefix = "x" if function.startswith("ǁ") else "x_"
            names.append(f"{CLINICAL}.{module}.{prefix}{function}__mutmut_*")
    return names


def results(scope_patterns: list[str]) -> dict[str, str]:
    """Every mutant in scope with its status, read from mutmut's files in mutants/."""
    found = {}
    for meta in sorted((ROOT / "mutants" / "taperwell" / "clinical").glob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        for name, code in codes.items():
            if any(fnmatch(name, p) for p in scope_patterns):
                found[name] = STATUS.get(code, "suspicious")
    return found


def main() -> int:
    scope = os.environ.get("MUTATION_SCOPE", "safety")
    children = os.environ.get("MUTATION_CHILDREN", "2")
    wanted = patterns(scope)
    # mutmut runs again every mutant it is given by name. After a full run, only those not yet
    # killed run again (new tests kill survivors; a changed function's mutants are new and
    # unchecked), unless MUTATION_FRESH=1.
    earlier = {} if os.environ.get("MUTATION_FRESH") == "1" else results(wanted)
    again = sorted(name for name, status in earlier.items() if status not in KILLED)
    targets = again if earlier else wanted
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "PYTHONPATH": ""}
    command = ["nice", "-n", "19", sys.executable, "-m", "mutmut", "run"]
    returncode = 0
    if targets and os.environ.get("MUTATION_REPORT_ONLY") != "1":
        run = subprocess.run(
            [*command, "--max-children", children, *targets], cwd=ROOT, env=env, check=False
        )
        returncode = run.returncode
    statuses = results(wanted)
    counts = Counter(statuses.values())
    survivors = [
        {"mutant": name, "status": status, **_why(name)}
        for name, status in sorted(statuses.items())
        if status in ("survived", "no tests", "suspicious", "not checked")
    ]
    caught = sum(counts[status] for status in KILLED)
    checked = caught + counts["survived"] + counts["no tests"] + counts["suspicious"]
    equivalent = sum(1 for s in survivors if s["equivalent"])
    document = {
        "tool": "mutmut " + _version(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scope": scope,
        "scope_note": (
            "The safety rules only (taper invariants, check_steps and the rapid bound; the "
            "crisis and self-harm check-in rules; the interaction classes; the naloxone "
            "triggers): a full run of taperwell/clinical/ (about 10,000 mutants) takes hours on "
            "the shared two-core machine. MUTATION_SCOPE=all runs it."
            if scope == "safety"
            else "Every function of taperwell/clinical/."
        ),
        "patterns": wanted,
        "hypothesis_profile": "mutation (8 examples, derandomized, no deadline)",
        "mutants": len(statuses),
        "killed": counts["killed"],
        "survived": counts["survived"],
        "timeout": counts["timeout"],
        "no_tests": counts["no tests"],
        "suspicious": counts["suspicious"],
        "not_checked": counts["not checked"],
        "score": round(caught / checked * 100, 1) if checked else None,
        "score_note": "(killed + timeout) / (killed + timeout + survived + no tests + suspicious)",
        "equivalent": equivalent,
        "equivalent_note": (
            "Survivors marked equivalent in benchmarks/mutation_survivors.toml: no input tells "
            "them from the original, so no test can kill them; score_without_equivalent leaves "
            "them out of the count."
        ),
        "score_without_equivalent": (
            round(caught / (checked - equivalent) * 100, 1) if checked > equivalent else None
        ),
        "survivors": survivors,
    }
    RESULT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"{RESULT.relative_to(ROOT)}: score {document['score']}% of {checked} mutants checked")
    return returncode


def _why(name: str) -> dict[str, object]:
    """Why a mutant survives, from the first `[[survivor]]` whose `mutants` pattern matches."""
    known = tomllib.loads(SURVIVORS.read_text()).get("survivor", []) if SURVIVORS.exists() else []
    for entry in known:
        if fnmatch(name, entry["mutants"]):
            return {"why": entry["why"], "equivalent": bool(entry.get("equivalent", False))}
    return {"why": "no test kills it yet", "equivalent": False}


def _version() -> str:
    from importlib.metadata import version

    return version("mutmut")


if __name__ == "__main__":
    sys.exit(main())
