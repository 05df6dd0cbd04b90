"""The taper step in Spanish: worked examples, dates, the decimal point, and properties over
random plans (the same numbers as the English, no English left, stored steps worded again)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taperwell.clinical.cli_taper import schedule_document
from taperwell.clinical.formulary import DataError
from taperwell.clinical.step_wording import step_from_document, step_texts
from taperwell.clinical.taper import pause, plan_taper
from taperwell.clinical.taper_model import Medication, TaperPolicy
from taperwell.clinical.taper_text import describe_step
from taperwell.clinical.taper_text_es import format_day, load_wording
from tests.clinical.test_taper_helpers import med, policy
from tests.clinical.test_taper_properties import SETTINGS, policies, regimens

START = date(2027, 1, 4)  # a Monday
NUMBER = re.compile(r"\d+(?:\.\d+)?")
ENGLISH_WORDS = re.compile(
    r"\b(From|morning|afternoon|evening|bedtime|tablets?|capsules?|patch(es)?|wear|changed|"
    r"every|only if needed|stop taking|one|two|half|and|of the|a day|Stay|No change)\b"
)


def _numbers_after_the_date(text: str) -> list[str]:
    return sorted(NUMBER.findall(text.split(": ", 1)[1]))


def test_a_date_reads_as_spanish_writes_it() -> None:
    assert format_day(date(2026, 12, 21)) == "lunes 21 de diciembre de 2026"
    assert format_day(date(2027, 8, 1)) == "domingo 1 de agosto de 2027"


def test_a_step_of_two_oxycodone_products_reads_in_spanish() -> None:
    regimen = [med("oxycodone ER", t0800=30, t2000=30), med("oxycodone IR", t0800=5)]
    schedule = plan_taper(regimen, START, policy(5, 28, order=("oxycodone ER tablet",)))
    text = describe_step(schedule.steps[0], language="es")
    assert text.startswith("A partir del lunes 4 de enero de 2027: mañana: ")
    assert "una tableta IR de 5 mg" in text
    assert "noche: " in text


def test_a_patch_step_keeps_the_decimal_point_of_the_label() -> None:
    schedule = plan_taper([med("fentanyl patch", t0900=50)], START, policy(10, 28))
    assert describe_step(schedule.steps[0], language="es") == (
        "A partir del lunes 4 de enero de 2027: parche: póngase un parche de 37.5 mcg/h y "
        "cámbielo cada 3 días, como antes."
    )
    assert load_wording().decimal_separator == "."


def test_half_a_tablet_is_media_tableta() -> None:
    morphine = med("morphine IR", t0800=15, t2000=15)
    halves = plan_taper([morphine], START, policy(10, 28, allow_halves=True))
    step = next(s for s in halves.steps if s.mme_per_day == Decimal("22.5"))
    assert "media tableta IR de 15 mg" in describe_step(step, language="es")


def test_the_last_step_says_which_medicine_to_stop() -> None:
    schedule = plan_taper([med("oxycodone ER", t0800=10)], START, policy(10, 28))
    last = schedule.steps[-1]
    text = describe_step(last, previous=schedule.steps[-2], language="es-MX")
    assert text.endswith("deje de tomar oxycodone.")


def test_a_paused_step_tells_the_patient_to_stay_on_the_dose() -> None:
    plan = plan_taper([med("morphine ER", t0800=90, t1600=90, t2300=90)], START, policy(10, 28))
    paused = pause(plan, on=date(2027, 1, 14), reason="family illness")
    text = describe_step(paused.steps[-1], language="es")
    assert "Siga con esta dosis hasta que usted y su equipo de atención decidan" in text


def test_english_stays_the_default_and_other_languages_fall_back_to_it() -> None:
    schedule = plan_taper([med("morphine IR", t0800=15, t2000=15)], START, policy(10, 28))
    step = schedule.steps[0]
    assert describe_step(step) == describe_step(step, language="en")
    assert describe_step(step, language="fr") == describe_step(step)
    assert describe_step(step).startswith("From Monday, January 4: ")


def test_a_stored_step_is_read_back_exactly() -> None:
    regimen = [med("oxycodone ER", t0800=30, t2000=30), med("oxycodone IR", t1400=10)]
    schedule = plan_taper(regimen, START, policy(10, 28))
    document = schedule_document(schedule)["steps"][1]
    assert step_from_document(document) == schedule.steps[1]


def test_the_wording_file_must_say_why_it_has_no_source(tmp_path, monkeypatch) -> None:
    from taperwell.clinical import taper_text_es

    bad = tmp_path / "taper_text_es.toml"
    bad.write_text('decimal_separator = "."\n', encoding="utf-8")
    monkeypatch.setattr(taper_text_es, "WORDING_PATH", bad)
    taper_text_es.load_wording.cache_clear()
    try:
        with pytest.raises(DataError, match="source"):
            taper_text_es.load_wording()
    finally:
        taper_text_es.load_wording.cache_clear()


@SETTINGS
@given(regimen=regimens(), policy=policies(), start=st.dates(date(2026, 1, 1), date(2030, 1, 1)))
def test_every_spanish_step_has_the_english_numbers_and_no_english_words(
    regimen: tuple[Medication, ...], policy: TaperPolicy, start: date
) -> None:
    schedule = plan_taper(regimen, start, policy)
    previous = None
    for step in schedule.steps:
        english = describe_step(step, previous=previous, drug_names=True)
        spanish = describe_step(step, previous=previous, drug_names=True, language="es")
        previous = step
        assert spanish.startswith(f"A partir del {format_day(step.start)}: ")
        assert _numbers_after_the_date(spanish) == _numbers_after_the_date(english)
        assert english.count("; ") == spanish.count("; ")
        assert english.count(" + ") == spanish.count(" + ")
        assert not ENGLISH_WORDS.search(spanish.split(": ", 1)[1]), spanish


@SETTINGS
@given(regimen=regimens(), policy=policies())
def test_stored_steps_worded_again_in_english_match_the_words_stored(
    regimen: tuple[Medication, ...], policy: TaperPolicy
) -> None:
    steps = schedule_document(plan_taper(regimen, START, policy))["steps"]
    assert step_texts(steps, language="en") == [s["text"] for s in steps]
