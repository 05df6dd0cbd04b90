"""Risk language in the peer group: held for the moderator, crisis help for the author, an urgent
flag when the risk is high, and never a reaction button on a risky post."""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.community.models import Member, Post, Reaction
from taperwell.community.services import post_release, reaction_toggle

pytestmark = pytest.mark.django_db

BETTER_OFF = "Some nights I think everyone would be better off without me"


def _join(client, patient, name):
    client.force_login(patient.user)
    assert client.post("/group/join/", {"display_name": name}).status_code == 302
    return Member.objects.get(patient=patient)


def _post(client, title, body):
    response = client.post("/group/new/", {"title": title, "body": body})
    return Post.objects.filter(title=title).latest("pk"), response


def test_a_post_saying_others_are_better_off_without_them_is_held_with_help_and_an_urgent_flag(
    client, patient, counsellor
):
    _join(client, patient, "SunnyDays")
    post, response = _post(client, "Nights", BETTER_OFF)
    assert post.status == "held"
    assert post.risk == "high"
    page = response.content.decode()
    assert "Call or text 988" in page
    flag = Flag.objects.get(patient=patient, source="peer-post")
    assert flag.severity == "urgent"
    assert "wish to be dead" in flag.reason


def test_a_post_with_possible_risk_is_held_with_help_and_no_urgent_flag(client, patient):
    _join(client, patient, "SunnyDays")
    post, response = _post(client, "Heavy", "I feel like such a burden to my family lately.")
    assert (post.status, post.risk) == ("held", "possible")
    assert "Call or text 988" in response.content.decode()
    assert not Flag.objects.filter(patient=patient).exists()


def test_a_risky_reply_is_held_too(client, patient):
    _join(client, patient, "SunnyDays")
    topic, _ = _post(client, "Bad night", "Slept three hours. Anyone else?")
    response = client.post(f"/group/{topic.public_id}/", {"body": BETTER_OFF})
    reply = topic.replies.get()
    assert (reply.status, reply.risk) == ("held", "high")
    assert "Call or text 988" in response.content.decode()


def test_a_risky_post_never_shows_reaction_buttons_even_after_a_moderator_releases_it(
    client, patient, other_patient, counsellor
):
    _join(client, patient, "SunnyDays")
    post, _ = _post(client, "Nights", BETTER_OFF)
    page = client.get(f"/group/{post.public_id}/").content.decode()
    assert "You&#x27;ve got this" not in page
    post_release(post=post, by=counsellor)
    _join(client, other_patient, "RiverWalker")
    page = client.get(f"/group/{post.public_id}/").content.decode()
    assert BETTER_OFF in page
    assert "You&#x27;ve got this" not in page
    assert "Sending support" not in page
    client.post(f"/group/p/{post.public_id}/support/", {"kind": "strong"})
    assert not Reaction.objects.exists()


def test_the_reaction_service_refuses_a_risky_post(patient, other_patient, counsellor):
    from django.core.exceptions import ValidationError

    from taperwell.community.services import member_join, post_create

    author = member_join(patient=patient, display_name="SunnyDays")
    post = post_create(member=author, title="Nights", body=BETTER_OFF)
    post_release(post=post, by=counsellor)
    other = member_join(patient=other_patient, display_name="RiverWalker")
    with pytest.raises(ValidationError):
        reaction_toggle(post=post, member=other, kind="strong")


def test_ordinary_pain_talk_is_posted_with_reactions(client, patient, other_patient):
    _join(client, patient, "SunnyDays")
    post, _ = _post(client, "Ugh", "This pain is killing me today, and I am dead tired.")
    assert (post.status, post.risk) == ("visible", "none")
    _join(client, other_patient, "RiverWalker")
    assert "You&#x27;ve got this" in client.get(f"/group/{post.public_id}/").content.decode()
