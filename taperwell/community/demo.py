"""Demo: a few members of the peer group and a friendly conversation. Safe to run again."""

from __future__ import annotations

from taperwell.clinics.models import Clinic
from taperwell.community.models import Member, Post
from taperwell.community.services import member_join, post_create
from taperwell.patients.models import Patient

NAMES = {
    "maria@example.org": "SunnyDays",
    "james@example.org": "RiverWalker",
    "linda@example.org": "GardenLinda",
}


def load(clinic: Clinic) -> None:
    if Post.objects.filter(clinic=clinic).exists():
        return
    members = {}
    for email, name in NAMES.items():
        patient = Patient.objects.filter(clinic=clinic, user__email=email).first()
        if patient is not None:
            members[email] = Member.objects.filter(patient=patient).first() or member_join(
                patient=patient, display_name=name
            )
    if len(members) < 2:
        return
    first, *others = members.values()
    topic = post_create(
        member=first,
        title="What helps you on a bad-pain morning?",
        body="Mornings are the hardest for me. I start with the breathing exercise and a warm "
        "shower. What works for you?",
    )
    post_create(
        member=others[0],
        topic=topic,
        body="A short walk to the corner and back, even slowly. And I write down one small goal.",
    )
