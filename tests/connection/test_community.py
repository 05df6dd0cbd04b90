"""The clinic's peer group: opt-in, display names, support, reports, moderation, safety."""

from __future__ import annotations

from taperwell.care.models import Flag
from taperwell.clinical.text_risk import mentions_self_harm
from taperwell.community.models import Member, ModerationEvent, Post
from tests import factories


def _join(client, patient, name):
    client.force_login(patient.user)
    assert client.post("/group/join/", {"display_name": name}).status_code == 302
    return Member.objects.get(patient=patient)


def _topic(client, title="Bad night", body="Slept three hours. Anyone else?"):
    response = client.post("/group/new/", {"title": title, "body": body})
    assert response.status_code in {200, 302}
    return Post.objects.filter(title=title).latest("pk"), response


def test_the_group_is_opt_in_and_shows_only_display_names(client, patient, other_patient):
    client.force_login(patient.user)
    assert "Join the group" in client.get("/group/").content.decode()
    _join(client, patient, "SunnyDays")
    topic, _ = _topic(client)
    _join(client, other_patient, "RiverWalker")
    page = client.get(f"/group/{topic.public_id}/").content.decode()
    assert "SunnyDays" in page
    assert "Maria" not in page
    assert "Alvarez" not in page


def test_display_names_are_unique_in_a_clinic(client, patient, other_patient):
    _join(client, patient, "SunnyDays")
    client.force_login(other_patient.user)
    response = client.post("/group/join/", {"display_name": "sunnydays"})
    assert response.status_code == 200
    assert "already uses that name" in response.content.decode()


def test_a_patient_of_another_clinic_never_sees_our_group(
    client, patient, stranger_patient, stranger_clinician
):
    _join(client, patient, "SunnyDays")
    topic, _ = _topic(client, title="Our clinic only")
    _join(client, stranger_patient, "Elsewhere")
    assert "Our clinic only" not in client.get("/group/").content.decode()
    assert client.get(f"/group/{topic.public_id}/").status_code == 404
    assert client.post(f"/group/p/{topic.public_id}/report/").status_code == 404
    client.force_login(stranger_clinician)
    assert "Our clinic only" not in client.get("/group/").content.decode()
    assert client.get(f"/group/{topic.public_id}/").status_code == 404


def test_support_reactions_toggle(client, patient, other_patient):
    _join(client, patient, "SunnyDays")
    topic, _ = _topic(client)
    _join(client, other_patient, "RiverWalker")
    client.post(f"/group/p/{topic.public_id}/support/", {"kind": "support"})
    assert topic.reactions.count() == 1
    client.post(f"/group/p/{topic.public_id}/support/", {"kind": "support"})
    assert topic.reactions.count() == 0


def test_a_reported_post_is_hidden_with_a_reason_the_author_can_read(
    client, patient, other_patient, counsellor
):
    _join(client, patient, "SunnyDays")
    topic, _ = _topic(client, body="Buy my pills, cheap")
    _join(client, other_patient, "RiverWalker")
    client.post(f"/group/p/{topic.public_id}/report/", {"reason": "selling"})
    client.force_login(counsellor)
    assert "Buy my pills" in client.get("/group/moderation/").content.decode()
    client.post(f"/group/p/{topic.public_id}/hide/", {"reason": "Selling medicines is not allowed"})
    topic.refresh_from_db()
    assert topic.status == "hidden"
    client.force_login(other_patient.user)
    assert "Buy my pills" not in client.get(f"/group/{topic.public_id}/").content.decode()
    client.force_login(patient.user)
    assert (
        "Selling medicines is not allowed"
        in client.get(f"/group/{topic.public_id}/").content.decode()
    )
    assert ModerationEvent.objects.filter(action="hide", post=topic).exists()


def test_a_locked_thread_takes_no_replies_and_a_muted_member_cannot_post(
    client, patient, other_patient, counsellor
):
    author = _join(client, patient, "SunnyDays")
    topic, _ = _topic(client)
    client.force_login(counsellor)
    client.post(f"/group/p/{topic.public_id}/lock/")
    client.post(f"/group/m/{author.public_id}/mute/", {"days": 3, "reason": "cool off"})
    _join(client, other_patient, "RiverWalker")
    response = client.post(f"/group/{topic.public_id}/", {"body": "me too"})
    assert "closed to new replies" in response.content.decode()
    client.force_login(patient.user)
    response = client.post("/group/new/", {"title": "Again", "body": "hello"})
    assert "posting is paused" in response.content.decode()
    assert Post.objects.count() == 1


def test_only_the_behavioural_health_clinician_moderates(client, patient, clinician, other_patient):
    _join(client, patient, "SunnyDays")
    topic, _ = _topic(client)
    for person in (clinician, other_patient.user):
        client.force_login(person)
        response = client.post(f"/group/p/{topic.public_id}/hide/", {"reason": "x"})
        assert response.status_code == 403


def test_a_post_mentioning_self_harm_is_held_flagged_and_the_author_sees_crisis_help(
    client, patient, other_patient, counsellor
):
    _join(client, patient, "SunnyDays")
    topic, response = _topic(
        client, title="Tired", body="Some nights I just want to die, honestly."
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Call or text 988" in page
    assert "will read it first" in page
    assert topic.status == "held"
    flag = Flag.objects.get(patient=patient)
    assert flag.severity == "urgent"
    assert flag.source == "peer-post"
    _join(client, other_patient, "RiverWalker")
    assert "Tired" not in client.get("/group/").content.decode()
    assert client.get(f"/group/{topic.public_id}/").status_code == 404
    client.force_login(counsellor)
    assert "want to die" in client.get("/group/moderation/").content.decode()


def test_self_harm_words_are_found_and_ordinary_words_are_not():
    for text in [
        "I keep thinking of killing myself",
        "feeling suicidal",
        "I don't want to be here",
    ]:
        assert mentions_self_harm(text)
    for text in ["This pain is killing me", "I cut my pills in half", "harmless walk"]:
        assert not mentions_self_harm(text)


def test_the_topic_list_takes_a_fixed_number_of_queries(
    client, clinic, patient, django_assert_max_num_queries
):
    _join(client, patient, "SunnyDays")
    for n in range(6):
        _topic(client, title=f"Topic {n}")
    other = factories.make_patient(clinic)
    _join(client, other, "Other")
    with django_assert_max_num_queries(12):
        assert client.get("/group/").status_code == 200
