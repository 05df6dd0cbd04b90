"""Today written in Python: the markup the page's template wrote, section by section.

The page's own part (`today/today.html` keeps the layout's blocks) was some twenty translation
tags, twenty conditions and two loops with a link and a CSRF field for each step of the week,
walked by the template engine on every visit. Here the same sections are joined from escaped
values. `tests/patient/test_today_html.py` compares them with the template they replaced (kept
in `tests/patient/data/`) for every patient of the demo clinic, in English and Spanish, and for
the states the demo does not show (a plan notice, a pause request, maintenance, questionnaires
due, unread messages, a group session, a practice for a need, steps done or not, no care team).

As in the templates: our own words as they are (a template's literal is safe, so
`{% translate %}` does not escape it), every value put in them escaped. Every word is written
with `gettext` itself, so that `makemessages` finds it. Only the links are kept, per
process, language and script prefix (a step's around its id: `core/links.py`); everything of
the patient's is read afresh.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language, gettext, ngettext

from taperwell.checkins.medicines_html import pause_request_card
from taperwell.core.day_format import day_format
from taperwell.core.links import id_path
from taperwell.core.markup import csrf_field, escape, page_csrf_token
from taperwell.patients.models import PatientStatus

if TYPE_CHECKING:
    from taperwell.today.selectors import TodayGoal


def today_html(page: dict[str, Any], request: HttpRequest) -> SafeString:
    """The page's content block for the view's context `page` (with its drawn `doses_html`)."""
    links = _links(get_language(), get_script_prefix())
    patient = page["patient"]
    hello = gettext("Hello, %(name)s") % {"name": escape(patient.first_name)}
    day = escape(day_format(page["day"], gettext("l, F j")))
    out = [
        f'\n<div class="narrow today">\n<h1 class="greeting">{hello}</h1>\n'
        f'<p class="today-date">{day}</p>\n\n'
    ]
    notice = page["plan_notice"]
    if notice:
        warning = " warning" if notice.is_increase else ""
        see = gettext("See your plan")
        out.append(
            f'\n<section class="card plan-notice{warning}" aria-labelledby="plan-notice-h">\n'
            f'  <h2 id="plan-notice-h">{escape(notice.title)}</h2>\n'
            f"  <p>{escape(notice.body)}</p>\n"
            f'  <p><a href="{links["medicines"]}">{see}</a></p>\n</section>\n'
        )
    out.append("\n\n")
    if page["pause_request"]:
        out.append(pause_request_card(page["pause_request"], request))
    out.append("\n\n")
    goal = page["goal"]
    if goal:
        encourage = gettext(
            "Every small step today moves you toward: <strong>%(title)s</strong>."
        ) % {"title": escape(goal.title)}
        out.append(f'\n<p class="encourage">{encourage}</p>\n')
    out.append("\n\n")
    if patient.status == PatientStatus.MAINTENANCE:
        words = gettext(
            "Your taper is finished. That took patience and courage. Keep the skills going; "
            "your care team and the group are still here for you."
        )
        out.append(f'\n<p class="card celebrate maintenance">{words}</p>\n')
    out.append("\n\n")
    milestone = page["milestone"]
    if milestone:
        well_done = gettext("Well done.")
        out.append(
            f'\n<p class="card celebrate milestone">{escape(milestone.text)} {well_done}</p>\n'
        )
    out.append("\n\n")
    out.append(_checkin(page, links))
    out.append("\n\n")
    out.append(_doses(page, links))
    out.append("\n\n")
    out.append(_messages(page, links))
    out.append("\n\n")
    if page["practice"]:
        out.append(_practice(page["practice"]))
    out.append("\n\n")
    out.append(_steps(goal, request, links))
    out.append("\n\n")
    out.append(_team(page))
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


@functools.lru_cache(maxsize=16)
def _links(language: str | None, script_prefix: str) -> dict[str, str]:
    """The page's links without arguments, escaped (`language` and `script_prefix` key them)."""
    names = {
        "medicines": "checkins:medicines",
        "checkin": "checkins:new",
        "questionnaires": "checkins:questionnaires",
        "inbox": "messaging:inbox",
        "meetings": "meetings:index",
        "goals": "goals:index",
    }
    return {key: escape(reverse(name)) for key, name in names.items()}


def _checkin(page: dict[str, Any], links: dict[str, str]) -> str:
    heading = gettext("Your check-in")
    out = [
        '<section class="card" aria-labelledby="checkin-heading">\n'
        f'  <h2 id="checkin-heading">{heading}</h2>\n  '
    ]
    url = links["checkin"]
    if page["checkin"]:
        done = gettext("Done for today. Thank you.")
        change = gettext("Change today's answers")
        out.append(f'\n    <p>{done}</p>\n    <p><a href="{url}">{change}</a></p>\n  ')
    elif page["next_checkin"]:
        words = gettext(
            "Now that your taper is done, we ask for a check-in once every %(n)s days. "
            "The next one is on %(when)s."
        ) % {
            "when": escape(day_format(page["next_checkin"], gettext("l, F j"))),
            "n": escape(page["checkin_every"]),
        }
        anyway = gettext("Check in anyway")
        out.append(
            f"\n    <p>{words}</p>\n"
            f'    <p><a class="button secondary wide" href="{url}">{anyway}</a></p>\n  '
        )
    else:
        ask = gettext("Two minutes: how is your pain, sleep and mood today?")
        now = gettext("Check in now")
        out.append(
            f'\n    <p>{ask}</p>\n    <p><a class="button wide" href="{url}">{now}</a></p>\n  '
        )
    out.append("\n  ")
    due = page["due"]
    if due:
        n = len(due)
        words = ngettext(
            "%(n)s short questionnaire is due", "%(n)s short questionnaires are due", n
        ) % {"n": n}
        out.append(
            f'\n    <p><a class="button secondary wide" href="{links["questionnaires"]}">'
            f"{words}</a></p>\n  "
        )
    out.append("\n</section>")
    return "".join(out)


def _doses(page: dict[str, Any], links: dict[str, str]) -> str:
    record = page["record"]
    mme = getattr(record, "mme_per_day", None)
    mme = "unknown" if mme is None else escape(floatformat(mme, "-2"))
    heading = gettext("Today's medicine")
    out = [
        '<section class="card" id="doses" aria-labelledby="doses-heading" '
        f'data-dose-of-record-mme="{mme}">\n'
        f'  <h2 id="doses-heading">{heading}</h2>\n  '
    ]
    if (page["steps"] or {}).get("paused"):
        paused = gettext("Your taper is paused")
        same = gettext("Your dose stays the same for now.")
        out.append(f'<p><span class="badge">{paused}</span> {same}</p>')
    out.append("\n  ")
    if getattr(record, "lines", None):
        out.append(f"\n    {escape(page['doses_html'])}\n  ")
    elif page["medications"]:
        out.append('\n    <ul class="med-list">')
        for med in page["medications"]:
            directions = f" — {escape(med.directions)}" if med.directions else ""
            out.append(f"<li><strong>{escape(med.label)}</strong>{directions}</li>")
        out.append("</ul>\n  ")
    else:
        words = gettext("Take your medicines as your clinician told you.")
        out.append(f"\n    <p>{words}</p>\n  ")
    mine = gettext("My medicines and plan")
    out.append(f'\n  <p><a href="{links["medicines"]}">{mine}</a></p>\n</section>')
    return "".join(out)


def _messages(page: dict[str, Any], links: dict[str, str]) -> str:
    heading = gettext("Messages and group")
    unread = page["unread"]
    if unread:
        news = ngettext(
            "%(n)s new message from your care team",
            "%(n)s new messages from your care team",
            unread,
        ) % {"n": unread}
    else:
        news = gettext("No new messages")
    out = [
        '<section class="card" aria-labelledby="soon-heading">\n'
        f'  <h2 id="soon-heading">{heading}</h2>\n'
        f'  <p class="today-messages"><a href="{links["inbox"]}">{news}</a></p>\n'
        '  <p class="today-session">'
    ]
    session = page["session"]
    if session:
        # The clinic's wall clock; an aware time is made so first, as the `date` filter does.
        starts = session["starts_local"]
        starts = localtime(starts) if is_aware(starts) else starts
        when = date_format(starts, gettext("l, F j, g:i A"))
        words = gettext("Next group: %(title)s, %(when)s") % {
            "title": escape(session["title"]),
            "when": escape(when),
        }
        out.append(f'<a href="{escape(session["url"])}">{words}</a>')
        if session["going"]:
            going = gettext("You're going")
            out.append(f' <span class="badge">{going}</span>')
    else:
        sessions = gettext("Group sessions")
        none_yet = gettext("None planned yet.")
        out.append(
            f'<a href="{links["meetings"]}">{sessions}</a> <span class="small">{none_yet}</span>'
        )
    out.append("</p>\n</section>")
    return "".join(out)


def _practice(practice: Any) -> str:
    if practice.need:
        heading = gettext("Something that may help now")
        reason = f"<p>{escape(practice.reason)}</p>"
    else:
        heading = gettext("A practice for today")
        reason = ""
    minutes = practice.minutes
    length = ""
    if minutes:
        words = ngettext("%(m)s minute", "%(m)s minutes", minutes) % {"m": minutes}
        length = f' <span class="small">{words}</span>'
    return (
        '\n<section class="card" aria-labelledby="practice-heading">\n'
        f'  <h2 id="practice-heading">{heading}</h2>\n'
        f"  {reason}\n"
        f'  <p><a class="big-link" href="{escape(practice.url)}">{escape(practice.title)}</a>'
        f"{length}</p>\n</section>\n"
    )


def _steps(goal: TodayGoal | None, request: HttpRequest, links: dict[str, str]) -> str:
    heading = gettext("Your steps this week")
    out = [
        '<section class="card" aria-labelledby="steps-heading">\n'
        f'  <h2 id="steps-heading">{heading}</h2>\n  '
    ]
    activities = goal.week_activities if goal else None
    if activities:
        out.append('\n  <ul class="steps">\n    ')
        csrf = ""
        for activity in activities:
            title = escape(activity.title)
            tally = gettext("%(done)s of %(target)s") % {
                "done": escape(activity.done_this_week),
                "target": escape(activity.times_per_week),
            }
            out.append(
                f"\n    <li><p><strong>{title}</strong> "
                f'<span class="small">{tally}</span></p>\n      '
            )
            if activity.done_today:
                done = gettext("Done today")
                out.append(f'<p class="badge">{done}</p>')
            else:
                if not csrf:
                    csrf = csrf_field(page_csrf_token(request))
                url = escape(id_path("goals:activity_done", activity.public_id))
                label = gettext("I did this today: %(title)s") % {"title": title}
                button = gettext("I did this today")
                out.append(
                    f'\n      <form method="post" action="{url}">{csrf}'
                    '<input type="hidden" name="next" value="today">\n'
                    f'        <button type="submit" class="button secondary" aria-label="{label}">'
                    f"{button}</button></form>"
                )
            out.append("\n    </li>\n    ")
        out.append("\n  </ul>\n  ")
    else:
        words = gettext(
            "What would you like to get back to? Name it, and we'll break it into small steps."
        )
        out.append(f"\n  <p>{words}</p>\n  ")
    mine = gettext("My goals")
    out.append(f'\n  <p><a href="{links["goals"]}">{mine}</a></p>\n</section>')
    return "".join(out)


def _team(page: dict[str, Any]) -> str:
    heading = gettext("Your care team")
    out = [
        '<section class="card" aria-labelledby="team-heading">\n'
        f'  <h2 id="team-heading">{heading}</h2>\n  '
    ]
    team = page["care_team"]
    if team:
        out.append("\n  <ul>")
        out.extend(f"<li>{escape(m['name'])} — {escape(m['role'])}</li>" for m in team)
        out.append("</ul>\n  ")
    else:
        words = gettext("The clinic will introduce your care team soon.")
        out.append(f"\n  <p>{words}</p>\n  ")
    out.append("\n  ")
    patient = page["patient"]
    if not page["plan"] and patient.status != PatientStatus.MAINTENANCE:
        if patient.wants_to_taper:
            words = gettext(
                "You said you would like to talk about lowering your dose slowly. Your clinician "
                "will plan it with you. Nothing changes until you have talked it through together."
            )
        else:
            words = gettext(
                "You are here for the skills and the support. You can talk about tapering "
                "whenever you feel ready, or never."
            )
        out.append(f"\n    \n    <p>{words}</p>\n    \n  ")
    out.append("\n</section>")
    return "".join(out)
