"""My medicines written in Python: the markup the page's template wrote, section by section.

The page's own part (`checkins/medicines.html` keeps the layout's blocks) was some forty
translation tags, two included cards, an inclusion tag and two form fields, each walked by the
template engine on every visit: a third of the page. Here the same sections are joined from
escaped values. `tests/patient/test_my_medicines_html.py` compares them with the template they
replaced (kept in `tests/patient/data/`) for every patient of the demo clinic, in English and
Spanish, with a pause request and each kind of naloxone plan.

As in the templates: our own words as they are (a template's literal is safe, so
`{% translate %}` does not escape it), every value put in them escaped. Every word is written
with `gettext` itself, so that `makemessages` finds it. What is the same for everyone is worked
out once per process: the words per language (`_words`), the links (`_links`), and the two
forms' fields around their text (`_field`); never a value of the patient's.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.http import HttpRequest
from django.template.defaultfilters import floatformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from taperwell.checkins.models import TaperReasons
from taperwell.core.day_format import day_format
from taperwell.core.markup import csrf_field, escape, page_csrf_token
from taperwell.patients.models import PatientStatus


def medicines_html(page: dict[str, Any], request: HttpRequest) -> SafeString:
    """The page's content block for the view's context `page`."""
    words = _words(get_language())
    links = _links(get_urlconf(), get_script_prefix())
    csrf = csrf_field(page_csrf_token(request))
    record = page["record"]
    out = [f'\n<div class="narrow">\n<h1>{words["title"]}</h1>\n\n']
    if getattr(record, "lines", None):
        out.append(
            '\n<section class="card" id="doses" aria-labelledby="doses-heading">\n'
            f'  <h2 id="doses-heading">{words["doses_heading"]}</h2>\n'
            f"  {escape(page['doses_html'])}\n</section>\n"
        )
    out.append("\n\n")
    out.append(_this_week(page, words))
    out.append("\n\n")
    out.append(_treatment_card(page["treatment"]))
    out.append(_medicines(page, words))
    out.append("\n\n")
    if page["naloxone"]:
        out.append(_naloxone(page["naloxone"], words, links))
    out.append("\n\n")
    if page["timeline"]:
        out.append(
            '\n<section class="card" aria-labelledby="plan-heading">\n'
            f'  <h2 id="plan-heading">{words["plan_heading"]}</h2>\n'
            f'  <ol class="timeline">\n    {escape(page["timeline_items"])}\n  </ol>\n'
            f'  <p class="small">{words["approved"]}</p>\n</section>\n'
        )
    out.append("\n\n")
    if page["pause_request"]:
        out.append(pause_request_card(page["pause_request"], request))
    out.append("\n\n")
    if page["plan"] and not page["pause_request"]:
        out.append(_pause_form(page, csrf, words, links))
    out.append("\n\n")
    out.append(_reasons(page, csrf, words, links))
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


@functools.cache  # per language: the catalogues are fixed for the life of the process
def _words(language: str | None) -> dict[str, str]:
    """The page's fixed words in one language, looked up once per process and language rather
    than some forty times on every visit; only words, never a value of the patient's."""
    return {
        "title": gettext("My medicines and taper"),
        "doses_heading": gettext("Today's doses"),
        "approved": gettext(
            "Your clinician approved this plan. Nothing changes without them, and you can always "
            "ask to pause."
        ),
        "plan_heading": gettext("The whole plan"),
        # This week
        "this_week": gettext("This week"),
        "paused": gettext(
            "Your taper is paused. Your dose stays the same until you and your clinician "
            "decide together."
        ),
        "not_started": gettext(
            "Your plan has not started yet. Keep taking your medicine as you do now."
        ),
        "finished": gettext(
            "Your taper is finished. Take any other medicines as your clinician told you, "
            "and call the clinic if anything changes."
        ),
        "no_plan": gettext(
            "You have no taper plan. Keep taking your medicines as your clinician told you."
        ),
        "next_heading": gettext("Next step"),
        # Medicines I take
        "meds_heading": gettext("Medicines I take"),
        "day_format": gettext("F j, Y"),
        "replaced": gettext(
            "Replaced by your taper plan from %(day)s. Take the dose above, not this one."
        ),
        "as_needed": gettext("As needed"),
        "no_medicines": gettext("No medicines on your list right now."),
        "not_entered": gettext(
            "Your clinic has not entered your medicines yet. Bring your bottles to your next visit."
        ),
        # Naloxone
        "naloxone_what": gettext(
            "Naloxone (often called Narcan) can undo an overdose of opioid medicine long enough "
            "for help to arrive. Anyone can give it: a spray in the nose."
        ),
        "naloxone_why": gettext(
            "While you lower your dose, and after, your body gets used to less. Within about a "
            "week, your old dose can be too strong for you and can slow your breathing. Naloxone "
            "at home is a safety net for you and the people you live with."
        ),
        "naloxone_heading": gettext("My naloxone plan"),
        "have_it": gettext("I have naloxone at home."),
        "kept": gettext("It is kept: %(where)s"),
        "expires": gettext("It expires on %(day)s."),
        "expired": gettext(
            "It has expired. Please get a new one from the clinic or a pharmacy soon."
        ),
        "expires_soon": gettext("It expires soon. Ask the clinic or a pharmacy for a new one."),
        "add_expiry": gettext(
            "Add the expiry date from the box, and we will remind you before it runs out."
        ),
        "someone_knows": gettext("Someone at home knows how to use it."),
        "show_someone": gettext(
            "Show someone at home where it is and how to use it. It takes two minutes."
        ),
        "update_naloxone": gettext("Update my naloxone plan"),
        "has_none": gettext(
            "You told us you do not have naloxone at home yet. Your clinic can give you some, "
            "and in most places a pharmacy can too, without a prescription."
        ),
        "have_it_now": gettext("I have it now"),
        "naloxone_question": gettext("Do you have naloxone at home?"),
        "naloxone_answer": gettext("Answer 4 short questions"),
        # I need a pause
        "pause_words": gettext(
            "Going slower is fine. If things feel too hard, ask for a pause. Your care team will "
            "talk it through with you."
        ),
        "pause_heading": gettext("I need a pause"),
        "pause_button": gettext("Ask for a pause"),
        # Reasons
        "update_reasons": gettext("Update my reasons"),
        "save_reasons": gettext("Save my reasons"),
        "reasons_heading": gettext("My reasons for tapering"),
        "after_words": gettext(
            "You did the hard part. Keep up the skills and the check-ins that help you. If pain "
            "or withdrawal comes back, or you feel unsure, tell your care team. You will not be "
            "judged."
        ),
        "why_started": gettext("Why you started, in your words:"),
        "after_heading": gettext("After your taper"),
        "not_tapering": gettext(
            "You are not tapering now. You can use taperwell for coping skills and check-ins. If "
            "you ever want to talk about your dose, your care team is here. There is no pressure."
        ),
        "change_written": gettext("Change what I wrote"),
        "write_it_down": gettext("Thinking about it? Write it down (optional)"),
        "choice_heading": gettext("Your choice"),
        "save": gettext("Save"),
    }


@functools.lru_cache(maxsize=16)
def _links(urlconf: Any, script_prefix: str) -> dict[str, str]:
    """The page's links, escaped: the same for the life of the process with the same URLconf
    and script prefix (which key them)."""
    names = {
        "naloxone": "checkins:naloxone",
        "pause_request": "checkins:pause_request",
        "reasons": "checkins:reasons",
    }
    return {key: escape(reverse(name)) for key, name in names.items()}


def _field(form: forms.Form, name: str) -> str:
    """`form[name].as_field_group()` for a text box (`Textarea`).

    An unbound form's field is the same for everyone but for the text in its box: its label,
    hint and attributes are the form's own. Django draws it once per process (per language,
    form, field and label) around a made-up text, kept in two pieces; each visit puts the
    field's own text between them, escaped, as the widget's template does. A bound form (with
    its errors) is drawn by Django every time."""
    field = form[name]
    if form.is_bound or not isinstance(field.field.widget, forms.Textarea):
        return escape(field.as_field_group())
    key = (get_language(), type(form), name, str(field.label), field.auto_id)
    pieces = _FIELD_PIECES.get(key)
    if pieces is None:
        pieces = _FIELD_PIECES[key] = _field_pieces(form, name)
    value = field.value()
    # The widget's template writes its value only when there is one (`format_value`).
    text = "" if value is None or value == "" else escape(str(value))
    return f"{pieces[0]}{text}{pieces[1]}"


_FIELD_PIECES: dict[tuple[Any, ...], tuple[str, str]] = {}
_MADE_UP = "\x1fthe field's text\x1f"


def _field_pieces(form: forms.Form, name: str) -> tuple[str, str]:
    """The field drawn by Django with a made-up text instead of the form's, cut where it is."""
    other = forms.Form(auto_id=form.auto_id, prefix=form.prefix, initial={name: _MADE_UP})
    other.renderer = form.renderer
    other.fields = {name: form.fields[name]}
    drawn = str(other[name].as_field_group())
    before, found, after = drawn.partition(escape(_MADE_UP))
    if not found or _MADE_UP in after:
        raise ValueError(f"the field {name!r} does not show its text once")
    return before, after


def _this_week(page: dict[str, Any], words: dict[str, str]) -> str:
    record, steps, plan = page["record"], page["steps"] or {}, page["plan"]
    mme = getattr(record, "mme_per_day", None)
    mme = "unknown" if mme is None else escape(floatformat(mme, "-2"))
    out = [
        f'<section class="card" aria-labelledby="now-heading" data-dose-of-record-mme="{mme}">\n'
        f'  <h2 id="now-heading">{words["this_week"]}</h2>\n  '
    ]
    if steps.get("paused"):
        out.append(f'<p class="badge">{words["paused"]}</p>')
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
        out.append(f"\n    <p>{words['not_started']}</p>\n  ")
    elif page["patient"].status == PatientStatus.MAINTENANCE:
        out.append(f"\n    <p>{words['finished']}</p>\n  ")
    else:
        out.append(f"\n    <p>{words['no_plan']}</p>\n  ")
    out.append("\n  ")
    following = steps.get("next")
    if following:
        out.append(
            f"\n  <h3>{words['next_heading']}</h3>\n  <p>{escape(following['text'])}</p>\n  "
        )
    out.append("\n</section>")
    return "".join(out)


def _treatment_card(words: dict[str, str] | None) -> str:
    """`{% treatment_card_for_patient patient %}` (`tapering/_treatment_card.html`) for the
    latest decision's words (`tapering.treatment.words_for_patient`)."""
    if not words:
        return "\n"
    return (
        '<section class="card treatment-card" aria-labelledby="treatment-heading">\n'
        f'  <h2 id="treatment-heading">{escape(words["title"])}</h2>\n'
        f"  <p>{escape(words['body'])}</p>\n</section>\n"
    )


def _medicines(page: dict[str, Any], words: dict[str, str]) -> str:
    record, medications = page["record"], page["medications"]
    out = [
        '\n<section class="card" aria-labelledby="meds-heading">\n'
        f'  <h2 id="meds-heading">{words["meds_heading"]}</h2>\n  '
    ]
    if medications:
        replaced = getattr(record, "replaced_ids", None) or ()
        out.append('\n  <ul class="med-list">\n    ')
        for med in medications:
            out.append("\n    ")
            if med.pk in replaced:
                started = getattr(record, "plan_started", None)
                day = escape(day_format(started, words["day_format"])) if started else ""
                replaced_words = words["replaced"] % {"day": day}
                out.append(
                    f'\n    <li class="replaced"><strong>{escape(med.label)}</strong><br>'
                    f'<span class="small">{replaced_words}</span></li>\n    '
                )
            else:
                directions = f"<br>{escape(med.directions)}" if med.directions else ""
                as_needed = (
                    f'<br><span class="small">{words["as_needed"]}</span>' if med.as_needed else ""
                )
                label = escape(med.label)
                out.append(f"\n    <li><strong>{label}</strong>{directions}{as_needed}</li>\n    ")
            out.append("\n    ")
        out.append("\n  </ul>\n  ")
    elif page["patient"].status == PatientStatus.MAINTENANCE:
        out.append(f"\n  <p>{words['no_medicines']}</p>\n  ")
    else:
        out.append(f"\n  <p>{words['not_entered']}</p>\n  ")
    out.append("\n</section>")
    return "".join(out)


def _naloxone_why(words: dict[str, str]) -> str:
    """`checkins/_naloxone_why.html`."""
    return (
        f"<p>{words['naloxone_what']}</p>\n<p>{words['naloxone_why']} "
        '<span class="small">(VA-OTDT; CDC-2022 Rec 8)</span></p>\n'
    )


def _naloxone(card: dict[str, Any], words: dict[str, str], links: dict[str, str]) -> str:
    """`checkins/_naloxone_card.html`."""
    plan, url = card["plan"], links["naloxone"]
    has = getattr(plan, "has_naloxone", None)
    out = [
        '<section class="card" aria-labelledby="naloxone-heading">\n'
        f'  <h2 id="naloxone-heading">{words["naloxone_heading"]}</h2>\n  \n  '
    ]
    if has:
        out.append(f"\n    <ul>\n      <li>{words['have_it']}</li>\n      ")
        if plan.kept_where:
            kept = words["kept"] % {"where": escape(plan.kept_where)}
            out.append(f"<li>{kept}</li>")
        out.append("\n      ")
        if plan.expires_on:
            day = escape(day_format(plan.expires_on, words["day_format"]))
            out.append(f"<li>{words['expires'] % {'day': day}}\n        ")
            if card["expiry"] == "expired":
                out.append(f'<br><span class="badge urgent">{words["expired"]}</span>\n        ')
            elif card["expiry"] == "soon":
                out.append(f'<br><span class="badge">{words["expires_soon"]}</span>')
            out.append("</li>\n      ")
        else:
            out.append(f"<li>{words['add_expiry']}</li>")
        out.append("\n      ")
        if plan.someone_knows:
            out.append(f"<li>{words['someone_knows']}</li>\n      ")
        else:
            out.append(f"<li>{words['show_someone']}</li>")
        out.append(f'\n    </ul>\n    <p><a href="{url}">{words["update_naloxone"]}</a></p>\n  ')
    elif has is False:
        out.append(
            f"\n    <p>{words['has_none']}</p>\n    {_naloxone_why(words)}\n"
            f'    <p><a class="button secondary wide" href="{url}">{words["have_it_now"]}</a>'
            "</p>\n  "
        )
    else:
        out.append(
            f'\n    <p class="big-text">{words["naloxone_question"]}</p>\n'
            f"    {_naloxone_why(words)}\n"
            f'    <p><a class="button wide" href="{url}">{words["naloxone_answer"]}</a>'
            "</p>\n  "
        )
    out.append("\n  \n</section>\n")
    return "".join(out)


def _pause_form(
    page: dict[str, Any], csrf: str, words: dict[str, str], links: dict[str, str]
) -> str:
    return (
        '\n<section class="card" aria-labelledby="pause-heading">\n'
        f'  <h2 id="pause-heading">{words["pause_heading"]}</h2>\n'
        f"  <p>{words['pause_words']}</p>\n"
        f'  <form method="post" action="{links["pause_request"]}">{csrf}\n'
        f"    {_field(page['pause_form'], 'reason')}\n"
        f'    <p><button type="submit" data-once>{words["pause_button"]}</button></p>\n'
        "  </form>\n</section>\n"
    )


def _my_words(reasons: TaperReasons) -> str:
    words = linebreaksbr(reasons.reasons, autoescape=True)
    return f'<blockquote class="my-words">{words}</blockquote>'


def _reasons(page: dict[str, Any], csrf: str, words: dict[str, str], links: dict[str, str]) -> str:
    reasons, form = page["reasons"], page["reasons_form"]
    action = links["reasons"]
    if page["plan"]:
        button = words["update_reasons"] if reasons else words["save_reasons"]
        return (
            '\n<section class="card" aria-labelledby="reasons-heading">\n'
            f'  <h2 id="reasons-heading">{words["reasons_heading"]}</h2>\n'
            f"  {_my_words(reasons) if reasons else ''}\n"
            f'  <form method="post" action="{action}">{csrf}\n'
            f"    {_field(form, 'reasons')}\n"
            f'    <p><button type="submit" class="button secondary">{button}</button></p>\n'
            "  </form>\n</section>\n"
        )
    if page["patient"].status == PatientStatus.MAINTENANCE:
        mine = ""
        if reasons:
            mine = f"<p>{words['why_started']}</p>{_my_words(reasons)}"
        return (
            '\n<section class="card" aria-labelledby="after-heading">\n'
            f'  <h2 id="after-heading">{words["after_heading"]}</h2>\n'
            f"  <p>{words['after_words']}</p>\n  {mine}\n</section>\n"
        )
    summary = words["change_written"] if reasons else words["write_it_down"]
    return (
        '\n<section class="card" aria-labelledby="choice-heading">\n'
        f'  <h2 id="choice-heading">{words["choice_heading"]}</h2>\n'
        f"  <p>{words['not_tapering']}</p>\n"
        f"  {_my_words(reasons) if reasons else ''}\n"
        f"  <details{' open' if form.errors else ''}>\n"
        f"    <summary>{summary}</summary>\n"
        f'    <form method="post" action="{action}">{csrf}\n'
        f"      {_field(form, 'reasons')}\n"
        f'      <p><button type="submit" class="button secondary">{words["save"]}</button></p>\n'
        "    </form>\n  </details>\n</section>\n"
    )


def pause_request_card(pause_request: dict[str, Any], request: HttpRequest) -> str:
    """The open pause request's card, from its template (Today shows it too)."""
    return render_to_string(
        "checkins/_pause_request_card.html", {"pause_request": pause_request}, request
    )
