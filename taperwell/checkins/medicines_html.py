"""My medicines written in Python: the markup the page's template wrote, section by section.

The page's own part (`checkins/medicines.html` keeps the layout's blocks) was some forty
translation tags, two included cards, an inclusion tag and two form fields, each walked by the
template engine on every visit: a third of the page. Here the same sections are joined from
escaped values. `tests/patient/test_my_medicines_html.py` compares them with the template they
replaced (kept in `tests/patient/data/`) for every patient of the demo clinic, in English and
Spanish, with a pause request and each kind of naloxone plan.

As in the templates: our own words as they are (a template's literal is safe, so
`{% translate %}` does not escape it), every value put in them escaped. Every word is written
with `gettext` itself, so that `makemessages` finds it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import floatformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from taperwell.checkins.models import TaperReasons
from taperwell.core.day_format import day_format
from taperwell.core.markup import csrf_field, escape, page_csrf_token
from taperwell.patients.models import Patient, PatientStatus
from taperwell.tapering.treatment import latest_for_patient


def medicines_html(page: dict[str, Any], request: HttpRequest) -> SafeString:
    """The page's content block for the view's context `page`."""
    csrf = csrf_field(page_csrf_token(request))
    record = page["record"]
    title = gettext("My medicines and taper")
    out = [f'\n<div class="narrow">\n<h1>{title}</h1>\n\n']
    if getattr(record, "lines", None):
        heading = gettext("Today's doses")
        out.append(
            '\n<section class="card" id="doses" aria-labelledby="doses-heading">\n'
            f'  <h2 id="doses-heading">{heading}</h2>\n'
            f"  {escape(page['doses_html'])}\n</section>\n"
        )
    out.append("\n\n")
    out.append(_this_week(page))
    out.append("\n\n")
    out.append(_treatment_card(page["patient"]))
    out.append(_medicines(page))
    out.append("\n\n")
    if page["naloxone"]:
        out.append(_naloxone(page["naloxone"]))
    out.append("\n\n")
    if page["timeline"]:
        approved = gettext(
            "Your clinician approved this plan. Nothing changes without them, and you can always "
            "ask to pause."
        )
        plan_heading = gettext("The whole plan")
        out.append(
            '\n<section class="card" aria-labelledby="plan-heading">\n'
            f'  <h2 id="plan-heading">{plan_heading}</h2>\n'
            f'  <ol class="timeline">\n    {escape(page["timeline_items"])}\n  </ol>\n'
            f'  <p class="small">{approved}</p>\n</section>\n'
        )
    out.append("\n\n")
    if page["pause_request"]:
        out.append(pause_request_card(page["pause_request"], request))
    out.append("\n\n")
    if page["plan"] and not page["pause_request"]:
        out.append(_pause_form(page, csrf))
    out.append("\n\n")
    out.append(_reasons(page, csrf))
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def _this_week(page: dict[str, Any]) -> str:
    record, steps, plan = page["record"], page["steps"] or {}, page["plan"]
    mme = getattr(record, "mme_per_day", None)
    mme = "unknown" if mme is None else escape(floatformat(mme, "-2"))
    heading = gettext("This week")
    out = [
        f'<section class="card" aria-labelledby="now-heading" data-dose-of-record-mme="{mme}">\n'
        f'  <h2 id="now-heading">{heading}</h2>\n  '
    ]
    if steps.get("paused"):
        paused = gettext(
            "Your taper is paused. Your dose stays the same until you and your clinician "
            "decide together."
        )
        out.append(f'<p class="badge">{paused}</p>')
    out.append("\n  ")
    current = steps.get("current")
    if current:
        out.append(f'\n    <p class="big-text">{escape(current["text"])}</p>\n    ')
        out.extend(
            f'<p class="dose-line">{escape(line.text)}</p>'
            for line in getattr(record, "lines", None) or ()
            if line.source == "medicines"
        )
        out.append("\n  ")
    elif plan:
        words = gettext("Your plan has not started yet. Keep taking your medicine as you do now.")
        out.append(f"\n    <p>{words}</p>\n  ")
    elif page["patient"].status == PatientStatus.MAINTENANCE:
        words = gettext(
            "Your taper is finished. Take any other medicines as your clinician told you, "
            "and call the clinic if anything changes."
        )
        out.append(f"\n    <p>{words}</p>\n  ")
    else:
        words = gettext(
            "You have no taper plan. Keep taking your medicines as your clinician told you."
        )
        out.append(f"\n    <p>{words}</p>\n  ")
    out.append("\n  ")
    following = steps.get("next")
    if following:
        next_heading = gettext("Next step")
        out.append(f"\n  <h3>{next_heading}</h3>\n  <p>{escape(following['text'])}</p>\n  ")
    out.append("\n</section>")
    return "".join(out)


def _treatment_card(patient: Patient) -> str:
    """`{% treatment_card_for_patient patient %}` (`tapering/_treatment_card.html`)."""
    words = latest_for_patient(patient)
    if not words:
        return "\n"
    return (
        '<section class="card treatment-card" aria-labelledby="treatment-heading">\n'
        f'  <h2 id="treatment-heading">{escape(words["title"])}</h2>\n'
        f"  <p>{escape(words['body'])}</p>\n</section>\n"
    )


def _medicines(page: dict[str, Any]) -> str:
    record, medications = page["record"], page["medications"]
    heading = gettext("Medicines I take")
    out = [
        '\n<section class="card" aria-labelledby="meds-heading">\n'
        f'  <h2 id="meds-heading">{heading}</h2>\n  '
    ]
    if medications:
        replaced = getattr(record, "replaced_ids", None) or ()
        out.append('\n  <ul class="med-list">\n    ')
        for med in medications:
            out.append("\n    ")
            if med.pk in replaced:
                started = getattr(record, "plan_started", None)
                day = escape(day_format(started, gettext("F j, Y"))) if started else ""
                words = gettext(
                    "Replaced by your taper plan from %(day)s. Take the dose above, not this one."
                ) % {"day": day}
                out.append(
                    f'\n    <li class="replaced"><strong>{escape(med.label)}</strong><br>'
                    f'<span class="small">{words}</span></li>\n    '
                )
            else:
                directions = f"<br>{escape(med.directions)}" if med.directions else ""
                as_needed_words = gettext("As needed")
                as_needed = (
                    f'<br><span class="small">{as_needed_words}</span>' if med.as_needed else ""
                )
                label = escape(med.label)
                out.append(f"\n    <li><strong>{label}</strong>{directions}{as_needed}</li>\n    ")
            out.append("\n    ")
        out.append("\n  </ul>\n  ")
    elif page["patient"].status == PatientStatus.MAINTENANCE:
        none_words = gettext("No medicines on your list right now.")
        out.append(f"\n  <p>{none_words}</p>\n  ")
    else:
        words = gettext(
            "Your clinic has not entered your medicines yet. Bring your bottles to your next visit."
        )
        out.append(f"\n  <p>{words}</p>\n  ")
    out.append("\n</section>")
    return "".join(out)


def _naloxone_why() -> str:
    """`checkins/_naloxone_why.html`."""
    what = gettext(
        "Naloxone (often called Narcan) can undo an overdose of opioid medicine long enough for "
        "help to arrive. Anyone can give it: a spray in the nose."
    )
    why = gettext(
        "While you lower your dose, and after, your body gets used to less. Within about a week, "
        "your old dose can be too strong for you and can slow your breathing. Naloxone at home "
        "is a safety net for you and the people you live with."
    )
    return f'<p>{what}</p>\n<p>{why} <span class="small">(VA-OTDT; CDC-2022 Rec 8)</span></p>\n'


def _naloxone(card: dict[str, Any]) -> str:
    """`checkins/_naloxone_card.html`."""
    plan, url = card["plan"], escape(reverse("checkins:naloxone"))
    has = getattr(plan, "has_naloxone", None)
    heading = gettext("My naloxone plan")
    out = [
        '<section class="card" aria-labelledby="naloxone-heading">\n'
        f'  <h2 id="naloxone-heading">{heading}</h2>\n  \n  '
    ]
    if has:
        have_it = gettext("I have naloxone at home.")
        out.append(f"\n    <ul>\n      <li>{have_it}</li>\n      ")
        if plan.kept_where:
            kept = gettext("It is kept: %(where)s") % {"where": escape(plan.kept_where)}
            out.append(f"<li>{kept}</li>")
        out.append("\n      ")
        if plan.expires_on:
            day = escape(day_format(plan.expires_on, gettext("F j, Y")))
            expires = gettext("It expires on %(day)s.")
            out.append(f"<li>{expires % {'day': day}}\n        ")
            if card["expiry"] == "expired":
                words = gettext(
                    "It has expired. Please get a new one from the clinic or a pharmacy soon."
                )
                out.append(f'<br><span class="badge urgent">{words}</span>\n        ')
            elif card["expiry"] == "soon":
                words = gettext("It expires soon. Ask the clinic or a pharmacy for a new one.")
                out.append(f'<br><span class="badge">{words}</span>')
            out.append("</li>\n      ")
        else:
            words = gettext(
                "Add the expiry date from the box, and we will remind you before it runs out."
            )
            out.append(f"<li>{words}</li>")
        out.append("\n      ")
        if plan.someone_knows:
            someone_knows = gettext("Someone at home knows how to use it.")
            out.append(f"<li>{someone_knows}</li>\n      ")
        else:
            words = gettext(
                "Show someone at home where it is and how to use it. It takes two minutes."
            )
            out.append(f"<li>{words}</li>")
        update = gettext("Update my naloxone plan")
        out.append(f'\n    </ul>\n    <p><a href="{url}">{update}</a></p>\n  ')
    elif has is False:
        words = gettext(
            "You told us you do not have naloxone at home yet. Your clinic can give you some, and "
            "in most places a pharmacy can too, without a prescription."
        )
        have_it_now = gettext("I have it now")
        out.append(
            f"\n    <p>{words}</p>\n    {_naloxone_why()}\n"
            f'    <p><a class="button secondary wide" href="{url}">{have_it_now}</a>'
            "</p>\n  "
        )
    else:
        question = gettext("Do you have naloxone at home?")
        answer = gettext("Answer 4 short questions")
        out.append(
            f'\n    <p class="big-text">{question}</p>\n'
            f"    {_naloxone_why()}\n"
            f'    <p><a class="button wide" href="{url}">{answer}</a>'
            "</p>\n  "
        )
    out.append("\n  \n</section>\n")
    return "".join(out)


def _pause_form(page: dict[str, Any], csrf: str) -> str:
    words = gettext(
        "Going slower is fine. If things feel too hard, ask for a pause. Your care team will "
        "talk it through with you."
    )
    heading = gettext("I need a pause")
    button = gettext("Ask for a pause")
    return (
        '\n<section class="card" aria-labelledby="pause-heading">\n'
        f'  <h2 id="pause-heading">{heading}</h2>\n'
        f"  <p>{words}</p>\n"
        f'  <form method="post" action="{escape(reverse("checkins:pause_request"))}">{csrf}\n'
        f"    {escape(page['pause_form']['reason'].as_field_group())}\n"
        f'    <p><button type="submit" data-once>{button}</button></p>\n'
        "  </form>\n</section>\n"
    )


def _my_words(reasons: TaperReasons) -> str:
    words = linebreaksbr(reasons.reasons, autoescape=True)
    return f'<blockquote class="my-words">{words}</blockquote>'


def _reasons(page: dict[str, Any], csrf: str) -> str:
    reasons, form = page["reasons"], page["reasons_form"]
    action = escape(reverse("checkins:reasons"))
    if page["plan"]:
        button = gettext("Update my reasons") if reasons else gettext("Save my reasons")
        heading = gettext("My reasons for tapering")
        return (
            '\n<section class="card" aria-labelledby="reasons-heading">\n'
            f'  <h2 id="reasons-heading">{heading}</h2>\n'
            f"  {_my_words(reasons) if reasons else ''}\n"
            f'  <form method="post" action="{action}">{csrf}\n'
            f"    {escape(form['reasons'].as_field_group())}\n"
            f'    <p><button type="submit" class="button secondary">{button}</button></p>\n'
            "  </form>\n</section>\n"
        )
    if page["patient"].status == PatientStatus.MAINTENANCE:
        words = gettext(
            "You did the hard part. Keep up the skills and the check-ins that help you. If pain "
            "or withdrawal comes back, or you feel unsure, tell your care team. You will not be "
            "judged."
        )
        mine = ""
        if reasons:
            why_words = gettext("Why you started, in your words:")
            mine = f"<p>{why_words}</p>{_my_words(reasons)}"
        heading = gettext("After your taper")
        return (
            '\n<section class="card" aria-labelledby="after-heading">\n'
            f'  <h2 id="after-heading">{heading}</h2>\n'
            f"  <p>{words}</p>\n  {mine}\n</section>\n"
        )
    words = gettext(
        "You are not tapering now. You can use taperwell for coping skills and check-ins. If you "
        "ever want to talk about your dose, your care team is here. There is no pressure."
    )
    summary = (
        gettext("Change what I wrote")
        if reasons
        else gettext("Thinking about it? Write it down (optional)")
    )
    heading = gettext("Your choice")
    button = gettext("Save")
    return (
        '\n<section class="card" aria-labelledby="choice-heading">\n'
        f'  <h2 id="choice-heading">{heading}</h2>\n'
        f"  <p>{words}</p>\n"
        f"  {_my_words(reasons) if reasons else ''}\n"
        f"  <details{' open' if form.errors else ''}>\n"
        f"    <summary>{summary}</summary>\n"
        f'    <form method="post" action="{action}">{csrf}\n'
        f"      {escape(form['reasons'].as_field_group())}\n"
        f'      <p><button type="submit" class="button secondary">{button}</button></p>\n'
        "    </form>\n  </details>\n</section>\n"
    )


def pause_request_card(pause_request: dict[str, Any], request: HttpRequest) -> str:
    """The open pause request's card, from its template (Today shows it too)."""
    return render_to_string(
        "checkins/_pause_request_card.html", {"pause_request": pause_request}, request
    )
