"""A US clinic by default: patient-facing words are spelled the US way ("practice", "diarrhea",
"color", "program", "behavior"), in templates, emails and the practice files."""

from __future__ import annotations

import re
from pathlib import Path

import taperwell

ROOT = Path(taperwell.__file__).parent
# Patient-facing text: every template and email, and the practice files (Markdown).
SOURCES = [*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("**/templates/**/*.txt")]
SOURCES += list((ROOT / "skills" / "practices").glob("*.md"))
BRITISH = re.compile(
    r"\b(practis\w*|diarrhoea|colour\w*|programme\w*|behaviour\w*|counsellor\w*|neighbour\w*|"
    r"savour\w*|favourite\w*|centre)\b",
    re.IGNORECASE,
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)  # names in code, not words shown
FRONT_MATTER_KIND = re.compile(r"^kind: .*$", re.MULTILINE)  # a stored key, not a shown word


def _words_shown(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return FRONT_MATTER_KIND.sub("", TEMPLATE_CODE.sub("", text))


def test_the_files_to_check_are_found():
    assert len(SOURCES) > 50
    assert any(p.name == "savouring.md" for p in SOURCES)


def test_patient_facing_words_are_spelled_the_us_way():
    found = {
        str(path.relative_to(ROOT)): sorted(set(BRITISH.findall(_words_shown(path))))
        for path in SOURCES
    }
    assert not {path: words for path, words in found.items() if words}
