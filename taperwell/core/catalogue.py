"""The translation catalogue: which files speak to patients, and how it is made.

Only what a patient can meet goes into `taperwell/locale/<code>/LC_MESSAGES/django.po`: the
care team's pages stay English (taperwell.core.language), so their words are left out here and
a translator is not asked for them. `make messages` (or `taperwell makemessages` with these
ignore patterns) refreshes the catalogue; `tests/core/test_catalogue.py` fails when it is out of
date, or when a Spanish message is missing or fuzzy.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "taperwell" / "locale"
CATALOGUE_LANGUAGES = ("es",)

# Staff-only code and templates (relative to the project root, makemessages' --ignore syntax).
STAFF_ONLY = [
    "taperwell/care/*",
    "taperwell/rtm/*",
    "taperwell/monitoring/*",
    "taperwell/audit/*",
    "taperwell/clinics/*",
    "taperwell/api/*",
    "taperwell/demo/*",
    "taperwell/fhir/*",
    "taperwell/clinical/*",
    "taperwell/tapering/templates/*",
    "taperwell/tapering/forms.py",
    "taperwell/tapering/models.py",
    "taperwell/patients/templates/patients/panel.html",
    "taperwell/patients/templates/patients/_panel_rows.html",
    "taperwell/patients/templates/patients/_banner.html",
    "taperwell/reports/templates/reports/visit_summary.html",
    "taperwell/reports/templates/reports/research.html",
    "taperwell/reports/templates/reports/fhir_import.html",
    "taperwell/enrolment/templates/enrolment/invitation_new.html",
    "taperwell/enrolment/templates/enrolment/invitation_list.html",
    "taperwell/enrolment/templates/enrolment/invitation_detail.html",
    "taperwell/community/templates/community/moderation.html",
    "taperwell/meetings/templates/meetings/new.html",
    "taperwell/messaging/templates/messaging/reply_time.html",
    "taperwell/medications/templates/medications/list.html",
    "taperwell/medications/templates/medications/edit.html",
]
# taperwell/locale itself is skipped so the catalogue goes to `locale_dir` (makemessages would
# otherwise write beside any "locale" folder it finds).
NOT_SOURCE = [
    "node_modules/*",
    ".venv/*",
    "var/*",
    "tests/*",
    "benchmarks/*",
    "docs/*",
    "taperwell/locale/*",
]


def make_messages(
    locale_dir: Path = LOCALE_DIR, languages: tuple[str, ...] = CATALOGUE_LANGUAGES
) -> None:
    """Write (or refresh) the catalogue of patient-facing strings under `locale_dir`."""
    import os

    here = Path.cwd()
    os.chdir(ROOT)  # makemessages walks the current directory
    try:
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command(
                "makemessages",
                locale=list(languages),
                ignore_patterns=STAFF_ONLY + NOT_SOURCE,
                no_obsolete=True,
                add_location="file",
                verbosity=0,
            )
    finally:
        os.chdir(here)


def compile_catalogue(*, force: bool = False) -> bool:
    """Compile each .po into its .mo when the .po is newer (or `force`); True when one changed.

    The .mo files are not committed: `make run` and `make test` compile them (msgfmt, from the
    gettext package), and the Spanish tests do it for a bare `pytest`.
    """
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise RuntimeError("msgfmt not found: install gettext (apt-get install gettext)")
    changed = False
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603 - our own files
            changed = True
    if changed:  # a process that already read the old catalogue reads it again
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = trans_real.Local()
    return changed
