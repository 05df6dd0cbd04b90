"""In a real browser: a patient writes and the clinician replies; the patient RSVPs; in the
peer group a post is reported and hidden, and a post mentioning self-harm is held and flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from taperwell.care.models import Flag
from taperwell.meetings.models import GroupSession, Rsvp
from taperwell.notifications.models import Preference
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    pass_second_factor,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff(clinic, role, email, full_name):
    user = factories.make_staff(clinic, role, totp=False, email=email, full_name=full_name)
    return factories.give_totp(user)


def _staff_sign_in(page, base, email, secret):
    sign_in(page, base, email, factories.PASSWORD)
    pass_second_factor(page, secret)


def test_a_patient_writes_the_clinician_replies_and_the_patient_joins_a_session(page, live_server):
    base = live_server.url
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    secret = _staff(clinic, "clinician", "doc@example.org", "Dr. Priya Shah")
    maria = factories.make_patient(clinic, email="maria@example.org", full_name="Maria Alvarez")
    # The notice of the reply is read at once below, whatever the hour the suite runs: Maria has
    # no quiet hours (which hold notices until morning; tested in tests/connection).
    Preference.objects.update_or_create(
        user=maria.user, defaults={"quiet_start": dt.time(0), "quiet_end": dt.time(0)}
    )
    session = GroupSession.objects.create(
        clinic=clinic,
        title="Mindfulness and ACT group",
        kind="mindfulness",
        place="video",
        video_url="https://video.example/room",
        capacity=8,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )

    page.set_viewport_size(PHONE)
    sign_in(page, base, "maria@example.org", factories.PASSWORD)
    page.goto(f"{base}/messages/")
    expect(page.get_by_test_id("reply-line")).to_contain_text("For emergencies call 911 or 988")
    page.get_by_role("link", name="Write to your care team").click()
    page.get_by_label("What is it about?").fill("Sleep")
    page.get_by_label("Your message").fill("I wake up at 3 every night since the last step.")
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("I wake up at 3 every night")).to_be_visible()
    screenshot(page, "message-thread-patient")
    assert_no_sideways_scroll(page)

    page.goto(f"{base}/sessions/")
    page.get_by_role("link", name="Mindfulness and ACT group").click()
    page.get_by_role("button", name="I'll be there").click()
    expect(page.get_by_test_id("rsvp-state")).to_contain_text("You're going")
    expect(page.get_by_role("link", name="Join the video call")).to_be_visible()
    expect(page.get_by_test_id("places")).to_contain_text("1 of 8")
    assert_accessible(page)
    screenshot(page, "session-rsvp")
    assert Rsvp.objects.get(session=session).status == "going"
    sign_out(page)

    page.set_viewport_size(DESKTOP)
    _staff_sign_in(page, base, "doc@example.org", secret)
    page.goto(f"{base}/messages/")
    expect(page.get_by_text("1 new")).to_be_visible()
    page.get_by_role("link", name="Sleep").click()
    page.get_by_label("Your message").fill("Thank you for telling us. Let's talk on Thursday.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Let's talk on Thursday")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "message-thread-clinician")
    sign_out(page)

    page.set_viewport_size(PHONE)
    sign_in(page, base, "maria@example.org", factories.PASSWORD)
    page.goto(f"{base}/messages/")
    expect(page.get_by_text("1 new")).to_be_visible()
    page.goto(f"{base}/notices/")
    expect(page.get_by_role("link", name="You have a new message")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "notices")


def test_a_reported_post_is_hidden_and_a_self_harm_post_is_held_and_flagged(page, live_server):
    base = live_server.url
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    secret = _staff(clinic, "bh_clinician", "sam@example.org", "Sam Counsellor")
    factories.make_patient(clinic, email="maria@example.org", full_name="Maria Alvarez")
    factories.make_patient(clinic, email="james@example.org", full_name="James Okafor")

    page.set_viewport_size(PHONE)
    sign_in(page, base, "james@example.org", factories.PASSWORD)
    page.goto(f"{base}/group/")
    page.get_by_label("The name others see").fill("Trader")
    page.get_by_role("button", name="Join the group").click()
    page.get_by_role("link", name="Start a conversation").click()
    page.get_by_label("Title").fill("Spare tablets")
    page.get_by_label("Your post").fill("I have spare tablets if anyone wants some.")
    page.get_by_role("button", name="Post").click()
    sign_out(page)

    sign_in(page, base, "maria@example.org", factories.PASSWORD)
    page.goto(f"{base}/group/")
    page.get_by_label("The name others see").fill("SunnyDays")
    assert_accessible(page)
    page.get_by_role("button", name="Join the group").click()
    page.get_by_role("link", name="Spare tablets").click()
    page.get_by_role("button", name="Sending support").first.wait_for()
    page.get_by_text("Report this post").click()
    page.get_by_label("What worries you? (optional)").fill("Offering medicines")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("A moderator from the care team will look at it")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "group-topic")

    page.goto(f"{base}/group/new/")
    page.get_by_label("Title").fill("So tired")
    page.get_by_label("Your post").fill("Some nights I think about ending it all.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="We are here for you")).to_be_visible()
    expect(page.get_by_role("link", name="Call or text 988", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "group-held-crisis")
    flag = Flag.objects.get(patient__user__email="maria@example.org")
    assert flag.severity == "urgent"
    sign_out(page)

    page.set_viewport_size(DESKTOP)
    _staff_sign_in(page, base, "sam@example.org", secret)
    page.goto(f"{base}/group/moderation/")
    expect(page.get_by_text("Some nights I think about ending it all.")).to_be_visible()
    item = page.get_by_test_id("queue-item").filter(has_text="spare tablets")
    item.get_by_label("Reason for hiding").fill("Sharing medicines is not safe or allowed.")
    item.get_by_role("button", name="Hide this post").click()
    expect(page.get_by_text("Hidden. The author sees your reason.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "group-moderated")
    sign_out(page)

    page.set_viewport_size(PHONE)
    sign_in(page, base, "maria@example.org", factories.PASSWORD)
    page.goto(f"{base}/group/")
    page.get_by_role("link", name="Hidden by a moderator").click()
    expect(page.get_by_text("A moderator hid this post.")).to_be_visible()
    expect(page.get_by_text("I have spare tablets")).to_have_count(0)
