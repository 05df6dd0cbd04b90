"""In a real browser: a peer post with risk language is held, the author sees crisis help at once,
and the post never offers a reaction button."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.care.models import Flag
from taperwell.community.models import Post
from taperwell.community.services import post_release
from tests import factories
from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BETTER_OFF = "Some nights I think everyone would be better off without me"


def _join(page, base: str, name: str) -> None:
    page.goto(f"{base}/group/")
    page.get_by_label("The name others see").fill(name)
    page.get_by_role("button", name="Join the group").click()


def test_a_better_off_without_me_post_is_held_with_crisis_help_and_no_reaction_buttons(
    page, live_server, patient, other_patient, counsellor
):
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "maria@test.example", factories.PASSWORD)
    _join(page, base, "SunnyDays")
    page.get_by_role("link", name="Start a conversation").click()
    page.get_by_label("Title").fill("Nights")
    page.get_by_label("Your post").fill(BETTER_OFF)
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_role("heading", name="We are here for you")).to_be_visible()
    expect(page.get_by_role("link", name="Call or text 988", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "group-better-off-held")
    post = Post.objects.get(title="Nights")
    assert (post.status, post.risk) == ("held", "high")
    assert Flag.objects.get(patient=patient, source="peer-post").severity == "urgent"

    page.goto(f"{base}/group/{post.public_id}/")
    expect(page.get_by_text("Held for the care team")).to_be_visible()
    expect(page.get_by_role("button", name="You've got this")).to_have_count(0)
    sign_out(page)

    post_release(post=post, by=counsellor)  # even once a moderator lets it be seen
    other_patient.user.email = "other@test.example"
    other_patient.user.save()
    sign_in(page, base, "other@test.example", factories.PASSWORD)
    _join(page, base, "RiverWalker")
    page.goto(f"{base}/group/{post.public_id}/")
    expect(page.get_by_text(BETTER_OFF)).to_be_visible()
    expect(page.get_by_role("button", name="You've got this")).to_have_count(0)
    expect(page.get_by_role("button", name="Sending support")).to_have_count(0)
    assert_accessible(page)
