"""The dose cards written in Python: the markup of `medications/_dose_cards.html`, byte for byte.

Today and My medicines draw their cards here, once a request, rather than through the template's
nested loops, filters and translation tags (a large part of each page's own drawing). The
template stays what the cards' htmx swaps render, and `tests/patient/test_prepared_my_pages.py`
compares the two on cards taken and not, patches, as-needed doses, the next change and other
medicines, in English and Spanish.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize, time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from taperwell.core.day_format import day_format
from taperwell.core.markup import csrf_field, escape, page_csrf_token

# Django's own words for `A` (its catalogue translates them), not ours to list in the catalogue.
_AM, _PM = "AM", "PM"


def _time(value: Any) -> str:
    """The template's `|time:"g:i A"` (aware times in the active time zone first).

    For a time or a datetime, written as Django's `g`, `i` and `A` write them (the hour from 1
    to 12, the minutes in two digits, Django's own "AM" or "PM" in the active language), without
    looking the format up and walking it on each card."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, datetime | time):
        noon = gettext(_PM if value.hour > 11 else _AM)
        return escape(f"{value.hour % 12 or 12}:{value.minute:02d} {noon}")
    return escape(time_format(value, "g:i A"))


def cards_html(doses: dict[str, Any], request: HttpRequest) -> SafeString:
    """`medications/_dose_cards.html` for `doses` (`cards_context`) in `request`, with the
    page's one CSRF token (`core.markup.page_csrf_token`)."""
    csrf = csrf_field(page_csrf_token(request))
    where = escape(doses["where"])
    taken_url, undo_url = escape(doses["taken_url"]), escape(doses["undo_url"])
    out = ['\n<div id="dose-cards" class="dose-cards">\n']
    if getattr(request, "htmx", False):
        out.extend(
            f'<p class="notice" role="status">{escape(message)}</p>'
            for message in get_messages(request)
        )
    out.append("\n")
    for card in doses["cards"]:
        out.append(_scheduled(card, csrf=csrf, where=where, taken=taken_url, undo=undo_url))
    out.append("\n")
    for card in doses["as_needed"]:
        out.append(_as_needed(card, csrf=csrf, where=where, taken=taken_url, undo=undo_url))
    out.append("\n")
    if doses["cards"] or doses["as_needed"]:
        note = escape(gettext("The drawings show the strength. Your tablets may look different."))
        out.append(f'<p class="small dose-note">{note}</p>')
    out.append("\n")
    change = doses.get("next_change")
    if change and change.get("changes"):
        on = escape(day_format(change["on"], gettext("M j")))
        changes = "; ".join(escape(c) for c in change["changes"])
        start = gettext("From %(on)s:") % {"on": on}
        out.append(f'\n<p class="dose-next" data-next-change>{start} {changes}</p>\n')
    out.append("\n")
    if doses["others"]:
        heading = escape(gettext("Your other medicines"))
        items = "".join(
            f"<li><strong>{escape(med.label)}</strong>"
            + (f" — {escape(med.directions)}" if med.directions else "")
            + "</li>"
            for med in doses["others"]
        )
        out.append(
            f'\n<h3 class="dose-others-h">{heading}</h3>\n<ul class="med-list">{items}</ul>\n'
        )
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def _scheduled(card: Any, *, csrf: str, where: str, taken: str, undo: str) -> str:
    dom, label = escape(card.dom_id), escape(card.label)
    items = []
    for item in card.items:
        parts = "".join(
            '\n      <p class="dose-part"><span class="dose-drawings" aria-hidden="true">'
            + "".join(str(d.svg) for d in part["drawings"])
            + f"</span> <strong>{escape(part['text'])}</strong></p>\n      "
            for part in item.parts
        )
        patch = f'<p class="small">{escape(item.patch_words)}</p>' if item.patch_words else ""
        items.append(
            f'\n    <li>\n      <p class="dose-product">{escape(item.product)}</p>\n      '
            f"{parts}\n      {patch}\n    </li>\n  "
        )
    if card.is_taken:
        at = _time(card.taken_at)
        words = (
            gettext("Patch checked at %(at)s") if card.only_patches else gettext("Taken at %(at)s")
        ) % {"at": at}
        action = (
            f'\n  <p class="dose-done"><span aria-hidden="true">✓</span> {words}</p>\n'
            f'  <form method="post" action="{undo}" hx-post="{undo}" hx-target="#dose-cards" '
            f'hx-swap="outerHTML">{csrf}\n'
            f'    <input type="hidden" name="key" value="{escape(card.undo_key)}">'
            f'<input type="hidden" name="next" value="{where}">\n'
            f'    <button type="submit" class="button secondary" id="{dom}-btn">'
            f"{escape(gettext('Undo'))}"
            f'<span class="visually-hidden"> ({label})</span></button>\n  </form>\n  '
        )
    else:
        tap = gettext("My patch is on") if card.only_patches else gettext("Taken")
        action = (
            f'\n  <form method="post" action="{taken}" hx-post="{taken}" hx-target="#dose-cards" '
            f'hx-swap="outerHTML">{csrf}\n'
            f'    <input type="hidden" name="key" value="{escape(card.fresh_key)}">'
            f'<input type="hidden" name="time" value="{escape(card.time)}">'
            f'<input type="hidden" name="next" value="{where}">\n'
            f'    <button type="submit" class="button wide" id="{dom}-btn">{escape(tap)}'
            f'<span class="visually-hidden"> ({label})</span></button>\n  </form>\n  '
        )
    return (
        f'\n<article class="dose-card{" is-taken" if card.is_taken else ""}" '
        f'aria-labelledby="{dom}-h" data-time="{escape(card.time)}">\n'
        f'  <h3 id="{dom}-h">{label} <span class="dose-clock">{_time(card.clock)}</span></h3>\n'
        f'  <ul class="dose-items">\n  {"".join(items)}\n  </ul>\n  {action}\n</article>\n'
    )


def _as_needed(card: Any, *, csrf: str, where: str, taken: str, undo: str) -> str:
    dom, product = escape(card.dom_id), escape(card.product)
    strength = ""
    if card.strength_text:
        strength = (
            '<p class="dose-part"><span class="dose-drawings" aria-hidden="true">'
            f"{card.drawing.svg}</span> <strong>{escape(card.strength_text)}</strong></p>"
        )
    if card.most:
        most = ngettext(
            "Only if you need it: as needed, up to %(n)s a day.",
            "Only if you need it: as needed, up to %(n)s a day.",
            card.most,
        ) % {"n": escape(localize(card.most))}
    else:
        most = escape(gettext("Only if you need it: as needed."))
    marked = ""
    if card.count:
        times = ", ".join(_time(row.taken_at) for row in card.taken)
        count = ngettext("You marked %(n)s today", "You marked %(n)s today", card.count) % {
            "n": escape(localize(card.count))
        }
        marked = f'<p class="dose-done"><span aria-hidden="true">✓</span> {count} ({times})</p>'
    at_most = ""
    if card.at_most:
        words = escape(
            gettext(
                "That is the most your plan has for today. If your pain is hard to manage, "
                "your care team can help."
            )
        )
        send = escape(gettext("Send a message"))
        inbox = escape(reverse("messaging:inbox"))
        at_most = f'<p class="small">{words} <a href="{inbox}">{send}</a></p>'
    one_dose = gettext("one dose of %(name)s") % {"name": product}
    undo_form = ""
    if card.undo_key:
        undo_form = (
            f'\n  <form method="post" action="{undo}" hx-post="{undo}" hx-target="#dose-cards" '
            f'hx-swap="outerHTML">{csrf}\n'
            f'    <input type="hidden" name="key" value="{escape(card.undo_key)}">'
            f'<input type="hidden" name="next" value="{where}">\n'
            f'    <button type="submit" class="button secondary" id="{dom}-undo">'
            f"{escape(gettext('Undo the last one'))}"
            f'<span class="visually-hidden"> ({product})</span></button>\n  </form>\n  '
        )
    return (
        f'\n<article class="dose-card as-needed" aria-labelledby="{dom}-h" '
        f'data-line="{escape(card.line_key)}">\n'
        f'  <h3 id="{dom}-h">{escape(gettext("As needed"))}</h3>\n'
        f'  <p class="dose-product">{product}</p>\n'
        f"  {strength}\n"
        f"  <p>{most}</p>\n"
        f"  {marked}\n"
        f"  {at_most}\n"
        '  <div class="dose-actions">\n'
        f'  <form method="post" action="{taken}" hx-post="{taken}" hx-target="#dose-cards" '
        f'hx-swap="outerHTML">{csrf}\n'
        f'    <input type="hidden" name="key" value="{escape(card.fresh_key)}">'
        f'<input type="hidden" name="line" value="{escape(card.line_key)}">'
        f'<input type="hidden" name="next" value="{where}">\n'
        f'    <button type="submit" class="button secondary" id="{dom}-btn">'
        f"{escape(gettext('Taken'))}"
        f'<span class="visually-hidden"> ({one_dose})</span></button>\n  </form>\n  '
        f"{undo_form}\n  </div>\n</article>\n"
    )
