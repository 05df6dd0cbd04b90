"""Shared steps for browser tests: screenshots, accessibility checks, signing in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = ARTIFACTS / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical problem on the page as it is now."""
    # Evaluated through the browser's debugging protocol: a <script> tag would be inline code,
    # which the Content-Security-Policy rightly blocks.
    page.evaluate(f"() => {{ {AXE.read_text()}\n; window.axe = axe; }}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"{page.url}: {json.dumps(bad, indent=1)}"


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Wait for the answer: a page.goto() straight after the click would cancel the sign-in.
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def pass_second_factor(page, secret: str) -> None:
    """Type the authenticator code on the second sign-in step and wait until it is accepted."""
    code_field = page.get_by_label("Authenticator code")
    expect(code_field).to_be_visible()
    code_field.fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(code_field).to_have_count(0)


def open_nav(page, name: str) -> None:
    """Follow a main-menu link; on a patient's phone some sit under "More"."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.locator(".nav-more summary").click()
    link.click()


def sign_out(page) -> None:
    button = page.get_by_role("button", name="Sign out")
    if not button.is_visible():
        page.locator(".nav-more summary").click()
    # On a patient's phone the click first empties the device (the offline app), then posts the
    # form: wait for that navigation to land, or the next page.goto() would cancel it.
    with page.expect_navigation(url=lambda url: "/accounts/logout/" not in url):
        button.click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
