"""Changing a clinic's settings: one transaction, and one audit row per changed setting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.checkins.models import QuestionnaireSchedule
from taperwell.checkins.selectors import DEFAULT_SCHEDULE, schedule_for
from taperwell.clinical.guidelines import UnknownPackError, load_pack
from taperwell.clinics.models import Clinic

if TYPE_CHECKING:
    from taperwell.accounts.models import User

# What an admin may change here; name, slug and the like stay with the operator.
EDITABLE_SETTINGS = frozenset(
    {
        "phone",
        "crisis_line_number",
        "crisis_line_text",
        "crisis_line_text_es",
        "emergency_number",
        "time_zone",
        "jurisdiction",
        "guideline_pack",
        "staff_can_read_clinical_notes",
        "maintenance_checkin_every_days",
    }
)
AUDIT_WHAT_LENGTH = 120  # AuditEvent.what


@dataclass(frozen=True)
class SettingChange:
    """One changed setting. For a questionnaire, None means the default cadence."""

    setting: str
    old: Any
    new: Any
    default: int | None = None

    def shown(self, value: Any) -> str:
        if value is None and self.default is not None:
            return f"default ({self.default})"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value in ("", None):
            return "(empty)"
        return f'"{value}"' if isinstance(value, str) else str(value)

    def describe(self) -> str:
        """ "crisis_line_text: "Old words" → "New words"", values shortened to fit an audit row."""
        prefix = f"clinic settings: {self.setting}: "
        room = (AUDIT_WHAT_LENGTH - len(prefix) - len(" → ")) // 2
        old, new = (_shorten(self.shown(v), room) for v in (self.old, self.new))
        return f"{prefix}{old} → {new}"


def _shorten(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


@transaction.atomic
def clinic_settings_update(
    *,
    clinic: Clinic,
    by: User,
    values: Mapping[str, Any],
    schedule: Mapping[str, int | None],
    request: HttpRequest | None = None,
) -> list[SettingChange]:
    """Change the clinic's settings and questionnaire cadences, auditing each change.

    `schedule` maps an instrument the clinic asks for to every how many days, or None for the
    default. Returns what changed; nothing is written when nothing did.
    """
    unknown = set(values) - EDITABLE_SETTINGS
    if unknown:
        raise ValueError(f"not a clinic setting: {', '.join(sorted(unknown))}")
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    changes = [
        SettingChange(name, getattr(locked, name), new)
        for name, new in values.items()
        if getattr(locked, name) != new
    ]
    if changes:
        for change in changes:
            setattr(locked, change.setting, change.new)
        _check_guideline(locked)
        locked.full_clean()
        locked.save(update_fields=[change.setting for change in changes])
    changes += _schedule_update(clinic=locked, schedule=schedule)
    for change in changes:
        audit_record(
            request=request,
            actor=by,
            action=AuditAction.UPDATE,
            what=change.describe(),
            clinic=locked,
            object_id=str(locked.public_id),
        )
    return changes


def _check_guideline(clinic: Clinic) -> None:
    try:
        load_pack(clinic.guideline_pack)
    except UnknownPackError as error:
        raise ValidationError({"guideline_pack": str(error)}) from error


def _schedule_update(*, clinic: Clinic, schedule: Mapping[str, int | None]) -> list[SettingChange]:
    in_use = schedule_for(clinic)
    not_asked = set(schedule) - set(in_use)
    if not_asked:
        raise ValidationError(f"Not asked at this clinic: {', '.join(sorted(not_asked))}")
    rows = {
        row.instrument: row
        for row in QuestionnaireSchedule.objects.select_for_update().filter(clinic=clinic)
    }
    changes = []
    for instrument, every_days in schedule.items():
        default_days, default_only_tapering = DEFAULT_SCHEDULE[instrument]
        row = rows.get(instrument)
        old = row.every_days if row is not None else None
        if old == every_days:
            continue
        if row is None:
            row = QuestionnaireSchedule(
                clinic=clinic, instrument=instrument, only_while_tapering=default_only_tapering
            )
        if every_days is None and row.only_while_tapering == default_only_tapering:
            row.delete()  # without a row the defaults apply
        else:
            row.every_days = every_days if every_days is not None else default_days
            row.full_clean()
            row.save()
        changes.append(
            SettingChange(f"questionnaire {instrument} every_days", old, every_days, default_days)
        )
    return changes
