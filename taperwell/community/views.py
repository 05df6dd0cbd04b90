"""The peer group: reading and joining, posting, support, reports, and moderation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import clinic_of, role_required
from taperwell.clinics.models import CARE_ROLES, Role
from taperwell.community import selectors, services
from taperwell.community.forms import (
    JoinForm,
    MuteForm,
    ReactionForm,
    ReasonForm,
    ReplyForm,
    TopicForm,
)
from taperwell.community.models import Member, PostStatus, ReactionKind
from taperwell.patients.decorators import patient_page

EVERYONE = (Role.PATIENT, *CARE_ROLES)
moderator_required = role_required(*selectors.MODERATORS)


def _member_or_403(request: HttpRequest) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied
    return member


def _problem(request: HttpRequest, problem: ValidationError) -> None:
    flash.error(request, " ".join(problem.messages))


@require_GET
@role_required(*EVERYONE)
def index(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(request.user)
    if request.user.membership.role == Role.PATIENT and member is None:
        return render(request, "community/join.html", {"form": JoinForm()})
    topics = list(selectors.topics_for(request.user, member)[:100])
    return render(
        request,
        "community/index.html",
        {"topics": topics, "member": member, "moderator": selectors.is_moderator(request.user)},
    )


@require_POST
@patient_page
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            services.member_join(
                patient=request.user.patient, display_name=form.cleaned_data["display_name"]
            )
        except ValidationError as problem:
            form.add_error(
                "display_name", problem.message_dict.get("display_name", problem.messages)
            )
        else:
            flash.success(request, _("Welcome to the group."))
            return redirect("community:index")
    return render(request, "community/join.html", {"form": form})


@require_POST
@patient_page
def leave(request: HttpRequest) -> HttpResponse:
    services.member_leave(member=_member_or_403(request))
    flash.success(request, _("You have left the group. Your posts stay, under your group name."))
    return redirect("community:index")


@require_http_methods(["GET", "POST"])
@patient_page
def new(request: HttpRequest) -> HttpResponse:
    member = _member_or_403(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(member=member, **form.cleaned_data)
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            return _after_posting(request, post)
    return render(request, "community/new.html", {"form": form, "member": member})


def _after_posting(request: HttpRequest, post) -> HttpResponse:
    if post.status == PostStatus.HELD:
        return render(request, "community/held.html", {"post": post})
    return redirect("community:topic", public_id=(post.topic or post).public_id)


@require_http_methods(["GET", "POST"])
@role_required(*EVERYONE)
def topic(request: HttpRequest, public_id: str) -> HttpResponse:
    member = selectors.member_of(request.user)
    if request.user.membership.role == Role.PATIENT and member is None:
        raise PermissionDenied
    post = selectors.post_in_clinic(request.user, public_id)
    if post.topic_id is not None or not selectors.can_see(request.user, member, post):
        raise Http404("No such conversation")
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if member is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                reply = services.post_create(
                    member=member, body=form.cleaned_data["body"], topic=post
                )
            except ValidationError as problem:
                form.add_error(None, problem)
            else:
                return _after_posting(request, reply)
    return render(
        request,
        "community/topic.html",
        {
            "topic": post,
            "show_title": selectors.title_shown_to(request.user, member, post),
            "posts": selectors.thread_posts(request.user, member, post),
            "member": member,
            "form": form,
            "moderator": selectors.is_moderator(request.user),
            "reaction_kinds": ReactionKind.choices,
        },
    )


@require_POST
@patient_page
def react(request: HttpRequest, public_id: str) -> HttpResponse:
    member = _member_or_403(request)
    post = selectors.post_in_clinic(request.user, public_id)
    form = ReactionForm(request.POST)
    if form.is_valid():
        try:
            services.reaction_toggle(post=post, member=member, kind=form.cleaned_data["kind"])
        except ValidationError as problem:
            _problem(request, problem)
    return redirect("community:topic", public_id=(post.topic or post).public_id)


@require_POST
@patient_page
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    member = _member_or_403(request)
    post = selectors.post_in_clinic(request.user, public_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    services.report_create(post=post, reporter=member, reason=form.cleaned_data.get("reason", ""))
    flash.success(request, _("Thank you. A moderator from the care team will look at it."))
    return redirect("community:topic", public_id=(post.topic or post).public_id)


@require_GET
@moderator_required
def moderation(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.moderation_queue(request.user)[:100])
    return render(request, "community/moderation.html", {"queue": queue})


@require_POST
@moderator_required
def hide(request: HttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_in_clinic(request.user, public_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.post_hide(post=post, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as problem:
        _problem(request, problem)
    else:
        flash.success(request, _("Hidden. The author sees your reason."))
    return redirect("community:topic", public_id=(post.topic or post).public_id)


@require_POST
@moderator_required
def release(request: HttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_in_clinic(request.user, public_id)
    services.post_release(post=post, by=request.user)
    flash.success(request, _("The post is visible to the group."))
    return redirect("community:moderation")


@require_POST
@moderator_required
def lock(request: HttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_in_clinic(request.user, public_id)
    if post.topic_id is not None:
        raise Http404("Only a conversation can be locked")
    services.topic_lock(topic=post, by=request.user, locked=post.locked_at is None)
    return redirect("community:topic", public_id=post.public_id)


@require_POST
@moderator_required
def mute(request: HttpRequest, public_id: str) -> HttpResponse:
    member = get_object_or_404(Member, public_id=public_id, clinic=clinic_of(request.user))
    form = MuteForm(request.POST)
    if form.is_valid():
        services.member_mute(member=member, by=request.user, **form.cleaned_data)
        flash.success(request, _("Muted. They can still read the group."))
    else:
        flash.error(request, _("Give the number of days and a reason."))
    return redirect("community:moderation")
