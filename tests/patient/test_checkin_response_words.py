"""After saving, a hard day is named back to the patient in one short line."""

from __future__ import annotations

from types import SimpleNamespace

from taperwell.checkins.response import checkin_response


def _day(**answers):
    calm = {"pain": 3, "withdrawal": 1, "sleep": 7, "mood": 7}
    return SimpleNamespace(**{**calm, **answers})


def test_an_ordinary_day_names_nothing():
    response = checkin_response(_day())
    assert not response.hard_day
    assert response.sentence == ""


def test_one_hard_answer_is_named_on_its_own():
    assert checkin_response(_day(withdrawal=8)).sentence == "Withdrawal was hard today."


def test_several_hard_answers_share_one_line():
    response = checkin_response(_day(pain=8, withdrawal=7, sleep=2, mood=3))
    assert response.sentence == "Pain, withdrawal, sleep and mood were hard today."
