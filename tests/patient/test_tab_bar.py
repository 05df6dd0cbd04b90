"""The patient's tab bar: Today, Check in, Skills and Messages, then "More" with the rest."""

from __future__ import annotations

from taperwell.clinics.models import Role
from taperwell.core.navigation import split_links


def test_a_patients_tabs_are_today_check_in_skills_and_messages(db):
    tabs, more = split_links(Role.PATIENT)
    assert [label for _, label in tabs] == ["Today", "Check in", "Skills", "Messages"]
    assert "My medicines" in [label for _, label in more]
    assert "Progress" in [label for _, label in more]


def test_a_patient_always_has_messages_though_front_desk_staff_do_not(db):
    assert "/messages/" in [url for url, _ in split_links(Role.PATIENT)[0]]
    assert "/messages/" not in [url for url, _ in split_links(Role.STAFF)[0]]


def test_the_tab_bar_is_marked_for_patients_only(client, patient, clinician):
    client.force_login(patient.user)
    assert 'class="tab-bar"' in client.get("/today/").content.decode()
    client.force_login(clinician)
    triage = client.get("/clinic/triage/")
    assert triage.status_code == 200
    assert 'aria-label="Main"' in triage.content.decode()
    assert 'class="tab-bar"' not in triage.content.decode()
