"""The clinic's peer group: opt-in, display names, posts and replies, support, moderation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient


class Member(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="group_members")
    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="group_member")
    display_name = models.CharField(
        _("the name others see"),
        max_length=40,
        help_text=_("It does not have to be your real name."),
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    muted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "display_name"], name="display_names_unique_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HELD = "held", _("Held for the care team")
    HIDDEN = "hidden", _("Hidden by a moderator")


class PostRisk(models.TextChoices):
    """What the risk-language screen found when the post was written."""

    NONE = "none", _("None")
    POSSIBLE = "possible", _("Possible")
    HIGH = "high", _("High")


class Post(models.Model):
    """A topic (no parent) or a reply (with its topic as parent)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="group_posts")
    topic = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("title"), max_length=120, blank=True)
    body = models.TextField(_("your post"), max_length=4000)
    status = models.CharField(max_length=8, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    hidden_reason = models.CharField(max_length=240, blank=True)
    # Kept after a moderator releases the post: a risky post never offers reactions.
    risk = models.CharField(max_length=8, choices=PostRisk.choices, default=PostRisk.NONE)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["clinic", "topic", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title or f"Reply {self.public_id}"


class ReactionKind(models.TextChoices):
    SUPPORT = "support", _("Sending support")
    SAME = "same", _("Me too")
    STRONG = "strong", _("You've got this")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=ReactionKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member", "kind"], name="one_reaction_each")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("what worries you? (optional)"), max_length=240, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"Report on {self.post_id}"


class ModerationAction(models.TextChoices):
    HELD = "held", _("Held automatically")
    HIDE = "hide", _("Hidden")
    RELEASE = "release", _("Shown")
    LOCK = "lock", _("Thread locked")
    UNLOCK = "unlock", _("Thread unlocked")
    MUTE = "mute", _("Member muted")


class ModerationEvent(models.Model):
    """Append-only record of every moderation step."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=ModerationAction.choices)
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(max_length=240, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"
