"""In a real browser, the Spanish-speaking demo patient walks every patient page, checks in,
answers a questionnaire, breathes with the pacer and opens a practice: no English is left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from taperwell.demo.clinic import DEMO_PASSWORD
from taperwell.demo.services import demo_load
from taperwell.meetings.models import GroupSession
from taperwell.patients.language import OWN_NAMES
from taperwell.skills.practices import load_practices
from tests.browser.helpers import PHONE, sign_in
from tests.i18n.english_left import english_left
from tests.i18n.patient_pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every visible text node, and the words a screen reader or a field shows.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (!el.getClientRects().length) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    for (const name of ['aria-label', 'placeholder', 'title']) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  out.push(document.title.replace(/ · taperwell$/, ''));
  return out;
}"""


def _english_on(page) -> list[str]:
    expect(page.locator("html")).to_have_attribute("lang", "es")
    return english_left(page.evaluate(VISIBLE_TEXT), data=_data_words())


def _data_words() -> frozenset[str]:
    """Words from data, not the catalogue: session titles typed by the clinic's staff, the
    practice files' titles (Spanish practice files are their own work) and each language's
    own name on the language choice."""
    sessions = GroupSession.objects.values_list("title", flat=True)
    practices = [practice.title for practice in load_practices()]
    return frozenset([*sessions, *practices, *OWN_NAMES.values()])


def test_the_english_finder_finds_english_whole_and_in_pieces():
    assert english_left(["How are you today?", "¿Cómo está hoy?"]) == ["How are you today?"]
    assert english_left(["Hola, Rosa", "No", "Rosa Delgado", "988", "Oxycodone 5 mg"]) == []
    titles = frozenset({"Mindfulness and ACT group"})
    assert english_left(["Mindfulness and ACT group"], data=titles) == []
    assert english_left(["You asked for a pause on lunes at 9:00. Your care team has it."])
    assert english_left(["Siguiente grupo: Mindfulness and ACT group, martes"], data=titles) == []


def test_a_spanish_speaking_patient_meets_no_english_on_any_page(page, live_server):
    demo_load()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "rosa@example.org", DEMO_PASSWORD)
    found: dict[str, list[str]] = {}

    def look(name: str) -> None:
        english = _english_on(page)
        if english:
            found[name] = english
        # Longer Spanish words still fit the phone: nothing runs off the side of the screen.
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            found[name] = [*found.get(name, []), f"{wide}px wider than the screen"]

    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        look(path)

    # Words said by the phone app's scripts come from the page, in Spanish too.
    page.goto(f"{live_server.url}/notices/settings/")
    expect(page.locator("[data-push-state]")).to_have_text(
        re.compile("Los recordatorios|Este navegador")
    )
    look("/notices/settings/ after the script")

    # The check-in, with its response.
    page.goto(f"{live_server.url}/checkin/")
    look("/checkin/")
    for name, value in (("pain", "8"), ("sleep", "2"), ("mood", "3"), ("withdrawal", "4")):
        page.locator(f'input[name="{name}"][value="{value}"]').check(force=True)
    page.locator('input[name="craving"][value="2"]').check(force=True)
    page.locator('input[name="prn_doses"]').fill("0")
    for name in ("self_harm", "overdose", "naloxone_used", "not_prescribed_opioids"):
        page.locator(f'input[name="{name}"][value="no"]').check(force=True)
    page.get_by_role("button", name="Guardar mi registro").click()
    expect(page).to_have_url(re.compile(r"/checkin/saved/"))
    expect(page.get_by_role("heading", name="Parece que fue un día difícil")).to_be_visible()
    look("/checkin/saved/")

    # A questionnaire, answered and saved.
    page.goto(f"{live_server.url}/questionnaires/peg/")
    look("/questionnaires/peg/")
    groups = page.locator("fieldset")
    for index in range(groups.count()):
        groups.nth(index).locator('input[type="radio"]').nth(3).check(force=True)
    page.get_by_role("button", name="Guardar mis respuestas").click()
    expect(page.get_by_text("Gracias. Sus respuestas están guardadas.")).to_be_visible()
    look("questionnaire saved")

    # The breathing pacer, started for a few seconds, and a practice.
    page.goto(f"{live_server.url}/skills/breathe/?seconds=4")
    look("/skills/breathe/")
    page.get_by_role("button", name="Empezar a respirar").click()
    expect(page.get_by_text(re.compile("Inhale|Exhale|Póngase cómodo")).first).to_be_visible()
    look("/skills/breathe/ running")
    page.goto(f"{live_server.url}/skills/")
    page.locator('a[href^="/skills/practice/"]').first.click()
    look("a practice")

    assert found == {}, f"English left on Spanish pages: {found}"
