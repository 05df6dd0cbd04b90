"""Writes in the peer group: joining, posting, support, reports and moderation."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import zoneinfo
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taperwell.clinical.text_risk import TextRisk, screen_text
from taperwell.community.models import (
    Member,
    ModerationAction,
    ModerationEvent,
    Post,
    PostRisk,
    PostStatus,
    Reaction,
    Report,
)
from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from taperwell.accounts.models import User

log = logging.getLogger(__name__)
SELF_HARM_RULE = "peer-post-self-harm"


@transaction.atomic
def member_join(*, patient: Patient, display_name: str) -> Member:
    name = display_name.strip()
    member = Member.objects.filter(patient=patient).first()
    if member is None:
        member = Member(clinic=patient.clinic, patient=patient)
    member.display_name = name
    member.left_at = None
    member.full_clean(validate_unique=False)
    if (
        Member.objects.filter(clinic=patient.clinic, display_name__iexact=name)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ValidationError({"display_name": _("Someone already uses that name. Try another.")})
    member.save()
    return member


def member_leave(*, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(left_at=timezone.now())


def _raise_urgent_flag(post: Post, found: TextRisk) -> bool:
    patient = post.author.patient
    from taperwell.care.services import flag_raise  # care imports the community's models

    today = timezone.now().astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone)).date()
    flag_raise(
        patient=patient,
        rule=SELF_HARM_RULE,
        severity="urgent",
        reason=(
            f"A peer-group post has high-risk language ({found.described()}); it is held and "
            "nobody else can see it. Crisis help was shown to the author."
        ),
        action="crisis",
        day=today,
        source="peer-post",
    )
    return True


@transaction.atomic
def post_create(*, member: Member, body: str, title: str = "", topic: Post | None = None) -> Post:
    """A new topic or a reply. Risk language (possible or high) holds it for the moderator
    (the author sees crisis help); high risk also raises an urgent flag."""
    if member.left_at is not None:
        raise PermissionDenied
    if member.is_muted:
        raise ValidationError(_("You can read the group, but posting is paused for now."))
    if topic is not None and topic.locked_at is not None:
        raise ValidationError(_("This conversation is closed to new replies."))
    found = screen_text(f"{title}\n{body}")
    held = found.risky
    post = Post(
        clinic=member.clinic,
        topic=topic,
        author=member,
        title=title.strip() if topic is None else "",
        body=body.strip(),
        status=PostStatus.HELD if held else PostStatus.VISIBLE,
        risk=found.risk,
    )
    post.full_clean()
    post.save()
    if held:
        ModerationEvent.objects.create(
            clinic=member.clinic,
            action=ModerationAction.HELD,
            post=post,
            member=member,
            reason=f"Risk language ({found.risk}): {found.described()}"[:240],
        )
        if found.high:
            _raise_urgent_flag(post, found)
    elif topic is not None:
        Post.objects.filter(pk=topic.pk).update(last_activity_at=timezone.now())
    return post


def reaction_toggle(*, post: Post, member: Member, kind: str) -> bool:
    """Add a reaction, or take it back. Returns True when it is now there."""
    if member.is_muted or post.status != PostStatus.VISIBLE or post.risk != PostRisk.NONE:
        raise ValidationError(_("You can't react to this right now."))
    deleted, _rows = Reaction.objects.filter(post=post, member=member, kind=kind).delete()
    if deleted:
        return False
    with contextlib.suppress(IntegrityError):  # a double tap or a second tab
        Reaction.objects.create(post=post, member=member, kind=kind)
    return True


def report_create(*, post: Post, reporter: Member, reason: str = "") -> Report:
    report, _created = Report.objects.get_or_create(
        post=post, reporter=reporter, defaults={"reason": reason.strip()[:240]}
    )
    return report


def _event(
    post: Post | None, action: str, by: User, reason: str = "", member: Member | None = None
) -> None:
    if post is not None:
        clinic = post.clinic
    elif member is not None:
        clinic = member.clinic
    else:
        raise ValueError("A moderation event is about a post or a member.")
    ModerationEvent.objects.create(
        clinic=clinic, action=action, post=post, member=member, reason=reason, by=by
    )


@transaction.atomic
def post_hide(*, post: Post, by: User, reason: str) -> Post:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the author understands.")})
    post.status = PostStatus.HIDDEN
    post.hidden_reason = reason.strip()[:240]
    post.save(update_fields=["status", "hidden_reason"])
    post.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    _event(post, ModerationAction.HIDE, by, post.hidden_reason)
    return post


@transaction.atomic
def post_release(*, post: Post, by: User) -> Post:
    post.status = PostStatus.VISIBLE
    post.hidden_reason = ""
    post.save(update_fields=["status", "hidden_reason"])
    post.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    _event(post, ModerationAction.RELEASE, by)
    return post


@transaction.atomic
def topic_lock(*, topic: Post, by: User, locked: bool) -> Post:
    topic.locked_at = timezone.now() if locked else None
    topic.save(update_fields=["locked_at"])
    _event(topic, ModerationAction.LOCK if locked else ModerationAction.UNLOCK, by)
    return topic


@transaction.atomic
def member_mute(*, member: Member, by: User, days: int, reason: str) -> Member:
    member.muted_until = timezone.now() + dt.timedelta(days=days)
    member.save(update_fields=["muted_until"])
    _event(None, ModerationAction.MUTE, by, f"{days} days: {reason.strip()}"[:240], member=member)
    return member
