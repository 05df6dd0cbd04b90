"""Practices are Markdown files: a clinic adds one by dropping a file in a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taperwell.skills import practices
from taperwell.skills.practices import (
    PracticeFileError,
    load_practices,
    parse_practice,
    render_markdown,
)

HEADER = """---
title: Walking meditation
minutes: 7
kind: body
when: When sitting still is too hard
why: Moving gently with attention is a kind of mindfulness.
helps: stress
audio: walk.mp3
---
"""


def _parse(text: str):
    return parse_practice(text, slug="walk", folder=Path("/nowhere"), from_clinic=True)


def test_every_practice_written_for_taperwell_reads_cleanly_with_a_reason_why():
    practices = load_practices()
    slugs = {p.slug for p in practices}
    assert {
        "breathing-pacer",
        "mindful-breathing",
        "body-scan",
        "noticing-pain",
        "savouring",
        "urge-surfing",
        "values",
        "pain-false-alarm",
    } <= slugs
    for practice in practices:
        assert practice.why, f"{practice.slug} has no 'why this helps' line"
        assert practice.body_html.strip()


def test_the_header_gives_title_minutes_kind_when_and_audio():
    practice = _parse(HEADER + "Walk **slowly**.")
    assert (practice.title, practice.minutes, practice.kind) == ("Walking meditation", 7, "body")
    assert practice.helps == {"stress"}
    assert practice.audio == "walk.mp3"
    assert "<strong>slowly</strong>" in practice.body_html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("minutes: 7", "minutes: seven"), "minutes must be a whole number"),
        (("kind: body", "kind: magic"), "kind must be one of"),
        (("title: Walking meditation\n", ""), "needs 'title'"),
        (("audio: walk.mp3", "audio: ../../secrets.mp3"), "audio must be a plain file name"),
        (("helps: stress", "helps: everything"), "helps may list"),
    ],
)
def test_a_broken_header_is_refused_with_a_clear_message(change, message):
    with pytest.raises(PracticeFileError, match=message):
        _parse(HEADER.replace(*change))


def test_html_in_a_practice_file_is_shown_as_text_never_run():
    html = render_markdown(
        "Hello <script>alert(1)</script>\n\n<div onclick='x()'>box</div>\n\n"
        "[bad](javascript:alert(1)) [good](https://example.org) [call](tel:988)"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<div" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html
    assert 'href="tel:988"' in html


@pytest.mark.django_db
def test_a_markdown_file_in_the_extra_folder_appears_without_code_changes(
    client, patient, settings, tmp_path
):
    settings.SKILLS_EXTRA_PRACTICES_DIR = str(tmp_path)
    client.force_login(patient.user)
    assert "Walking meditation" not in client.get("/skills/").content.decode()

    (tmp_path / "walking-meditation.md").write_text(HEADER + "Walk **slowly**.", encoding="utf-8")

    listing = client.get("/skills/").content.decode()
    assert "Walking meditation" in listing
    assert 'href="/skills/practice/walking-meditation/"' in listing
    page = client.get("/skills/practice/walking-meditation/").content.decode()
    assert "<strong>slowly</strong>" in page
    assert "Moving gently with attention" in page


@pytest.mark.django_db
def test_a_clinic_folder_adds_its_own_practice_and_recording_for_its_patients_only(
    client, patient, other_clinic, settings, tmp_path
):
    from tests import factories

    settings.VAR_DIR = tmp_path
    folder = tmp_path / "clinics" / patient.clinic.slug / "practices"
    folder.mkdir(parents=True)
    (folder / "walking-meditation.md").write_text(HEADER + "Walk.", encoding="utf-8")
    (folder / "walk.mp3").write_bytes(b"ID3fake-audio")

    client.force_login(patient.user)
    page = client.get("/skills/practice/walking-meditation/").content.decode()
    assert 'src="/skills/practice/walking-meditation/audio/"' in page
    audio = client.get("/skills/practice/walking-meditation/audio/")
    assert audio["Content-Type"] == "audio/mpeg"
    assert b"".join(audio.streaming_content) == b"ID3fake-audio"

    elsewhere = factories.make_patient(other_clinic)
    client.force_login(elsewhere.user)
    assert client.get("/skills/practice/walking-meditation/").status_code == 404
    assert client.get("/skills/practice/walking-meditation/audio/").status_code == 404


@pytest.mark.django_db
def test_a_broken_file_is_left_out_and_the_page_still_works(client, patient, settings, tmp_path):
    settings.SKILLS_EXTRA_PRACTICES_DIR = str(tmp_path)
    (tmp_path / "broken.md").write_text("no header here", encoding="utf-8")
    client.force_login(patient.user)
    response = client.get("/skills/")
    assert response.status_code == 200
    assert client.get("/skills/practice/broken/").status_code == 404


def test_a_file_added_shows_at_once_and_one_edited_in_place_after_the_recheck(
    settings, tmp_path, monkeypatch
):
    settings.SKILLS_EXTRA_PRACTICES_DIR = str(tmp_path)
    clock = [1000.0]
    monkeypatch.setattr(practices.time, "monotonic", lambda: clock[0])

    def titles() -> set[str]:
        return {p.title for p in load_practices(language="en")}

    walk = tmp_path / "walking-meditation.md"
    walk.write_text(HEADER + "Walk.", encoding="utf-8")
    assert "Walking meditation" in titles()

    # Added: the folder changed, so it shows on the next visit (its time set apart from the
    # first listing's, as a later minute would).
    (tmp_path / "stretch.md").write_text(
        HEADER.replace("Walking meditation", "Gentle stretch"), encoding="utf-8"
    )
    later = tmp_path.stat().st_mtime_ns + 1_000_000_000
    os.utime(tmp_path, ns=(later, later))
    assert {"Walking meditation", "Gentle stretch"} <= titles()

    # Edited in place: the folder is the same, so the new words show once it is looked at again.
    walk.write_text(HEADER.replace("Walking meditation", "Slow walk"), encoding="utf-8")
    edited = walk.stat().st_mtime_ns + 1_000_000_000
    os.utime(walk, ns=(edited, edited))
    assert "Walking meditation" in titles()
    clock[0] += practices.RECHECK_SECONDS
    assert "Slow walk" in titles()
    assert "Walking meditation" not in titles()

    # Removed: shown no more at once.
    walk.unlink()
    later += 1_000_000_000
    os.utime(tmp_path, ns=(later, later))
    assert "Slow walk" not in titles()
