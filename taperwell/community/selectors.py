"""Reading the peer group. Everything is scoped to the reader's own clinic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from taperwell.access import clinic_of, role_of
from taperwell.clinics.models import Role
from taperwell.community.models import Member, Post, PostStatus, Reaction, Report

if TYPE_CHECKING:
    from taperwell.accounts.models import User

MODERATORS = (Role.BEHAVIOURAL_HEALTH,)


def is_moderator(user: User) -> bool:
    return role_of(user) in MODERATORS


def member_of(user: User) -> Member | None:
    patient = getattr(user, "patient", None)
    if patient is None:
        return None
    return Member.objects.filter(patient=patient, left_at__isnull=True).first()


def _seen_by(user: User, member: Member | None) -> Q:
    """Visible posts for everyone; held and hidden ones for moderators and their author."""
    if is_moderator(user):
        return Q()
    mine = Q(author=member) if member else Q(pk__in=[])
    return Q(status=PostStatus.VISIBLE) | mine | Q(status=PostStatus.HIDDEN)


def topics_for(user: User, member: Member | None) -> QuerySet[Post]:
    return (
        Post.objects.filter(clinic=clinic_of(user), topic__isnull=True)
        .filter(_seen_by(user, member))
        .select_related("author")
        .annotate(reply_count=Count("replies", filter=Q(replies__status=PostStatus.VISIBLE)))
        .order_by("-last_activity_at")
    )


def post_in_clinic(user: User, public_id: Any) -> Post:
    return get_object_or_404(
        Post.objects.select_related("author", "topic", "clinic"),
        public_id=public_id,
        clinic=clinic_of(user),
    )


def can_see(user: User, member: Member | None, post: Post) -> bool:
    if post.status == PostStatus.HELD:
        return is_moderator(user) or (member is not None and post.author_id == member.pk)
    return True


def thread_posts(user: User, member: Member | None, topic: Post) -> list[Post]:
    posts = [topic, *topic.replies.filter(_seen_by(user, member)).select_related("author")]
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Reaction.objects.filter(post__in=posts).values("post_id", "kind").annotate(n=Count("id"))
    ):
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    for post in posts:
        post.reaction_counts = counts.get(post.pk, {})  # type: ignore[attr-defined]
    return posts


def title_shown_to(user: User, member: Member | None, topic: Post) -> bool:
    """A hidden topic's title is for moderators and its author only, like its body."""
    if topic.status != PostStatus.HIDDEN:
        return True
    return is_moderator(user) or (member is not None and topic.author_id == member.pk)


def moderation_queue(user: User) -> QuerySet[Post]:
    # A subquery, not a join: with a join, a post without any report matched "an open report"
    # (the missing report's resolved_at reads as NULL), and every post filled the queue.
    open_report = Report.objects.filter(post=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Post.objects.filter(clinic=clinic_of(user))
        .filter(Q(status=PostStatus.HELD) | Q(Exists(open_report), status=PostStatus.VISIBLE))
        .select_related("author", "topic")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .distinct()
        .order_by("created_at")
    )
