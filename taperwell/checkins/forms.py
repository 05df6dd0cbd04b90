"""The daily check-in and questionnaire forms: big choices, plain words, every field labelled."""

from __future__ import annotations

import copy
import functools
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from taperwell.clinical.instruments import Instrument
from taperwell.core import widgets
from taperwell.core.forms import FIELD_TEMPLATE, FieldBlockRenderer, field_block
from taperwell.core.markup import escape
from taperwell.goals.models import Activity

if TYPE_CHECKING:
    from taperwell.checkins.models import CheckIn
    from taperwell.medications.models import NaloxonePlan

SCALE_CHOICES = [(n, str(n)) for n in range(11)]

WITHDRAWAL_SIGNS = [
    ("yawning", _("Yawning a lot")),
    ("sweating", _("Sweating or chills")),
    ("runny-nose", _("Runny nose or watery eyes")),
    ("goosebumps", _("Goosebumps")),
    ("restless", _("Restless, can't sit still")),
    ("aches", _("Aching muscles or bones")),
    ("stomach", _("Upset stomach or diarrhea")),
    ("sleep", _("Trouble sleeping")),
    ("anxious", _("Feeling anxious or irritable")),
]

# Safety questions: no answer is ever chosen for the patient (a pre-chosen "No" records "no" for
# everyone who scrolls past). "I'd rather not say" is kept as its own answer, never as "no".
SELF_HARM_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("skip", _("I'd rather not say"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_RATHER_NOT_SAY = [*YES_NO, ("skip", _("I'd rather not say"))]
_ANSWER = {"yes": True, "no": False}
NOT_TODAY = "not-today"


class _FixedChoices:
    """A choice field whose choices are written in this module, never changed per form. Django
    deep-copies every field of every form it makes, and its choice widget sorts the copied
    choices out again; these share the one list of (value, label) pairs, whose tuples never
    change, with their widget, instead of copying it pair by pair. (A form that sets other
    choices replaces the list, never changes it.)"""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Field.__deepcopy__ and ChoiceWidget.__deepcopy__, but for the choices.
        result = copy.copy(self)
        memo[id(self)] = result
        widget = self.widget  # type: ignore[attr-defined]
        result.widget = copy.copy(widget)
        result.widget.attrs = widget.attrs.copy()
        memo[id(widget)] = result.widget
        result.error_messages = self.error_messages.copy()  # type: ignore[attr-defined]
        result.validators = self.validators[:]  # type: ignore[attr-defined]
        return result


class FixedChoiceField(_FixedChoices, forms.ChoiceField):
    pass


class FixedTypedChoiceField(_FixedChoices, forms.TypedChoiceField):
    pass


class FixedMultipleChoiceField(_FixedChoices, forms.MultipleChoiceField):
    pass


def safety_question(label: str, choices: list[Any], help_text: str = "") -> forms.ChoiceField:
    return FixedChoiceField(
        label=label,
        choices=choices,
        widget=widgets.RadioSelect,
        help_text=help_text,
        error_messages={"required": _("Please choose an answer.")},
    )


class ScaleWidget(forms.RadioSelect):
    """0-10 as one row of buttons, with words for the two ends that say which end is best.

    Drawn here rather than by a template: five scales of eleven buttons were most of the
    check-in page's time as template loops; the markup is the same.
    """

    def __init__(self, low: str, high: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        scale_id = {**self.attrs, **(attrs or {})}.get("id") or ""
        options = tuple((option, str(label)) for option, label in self.choices)
        # As Django's RadioSelect: the first button whose value is the value given is chosen.
        given = self.format_value(value)
        buttons, chosen = [], False
        for option, unchosen, chosen_markup in _scale_buttons(
            name, scale_id, self.is_required, options
        ):
            picked = not chosen and option in given
            chosen = chosen or picked
            buttons.append(chosen_markup if picked else unchosen)
        own_id = f' id="{escape(scale_id)}"' if scale_id else ""
        return mark_safe(  # noqa: S308 (each value escaped)
            f'<div class="scale"{own_id}>{"".join(buttons)}\n</div>\n<p class="scale-ends">'
            f"<span>{escape(self.low)}</span><span>{escape(self.high)}</span></p>"
        )


@functools.lru_cache(maxsize=64)
def _scale_buttons(
    name: str, scale_id: str, required: bool, options: tuple[tuple[Any, str], ...]
) -> tuple[tuple[str, str, str], ...]:
    """A scale's buttons, each as (its value as the form sends it, its markup, its markup when
    chosen). The same for everyone: the scale's name, its numbers and their labels; worked out
    once per process, not for each of its eleven buttons on every page."""
    buttons = []
    for index, (option, label) in enumerate(options):
        value = "" if option is None else str(option)
        button_id = f"{scale_id}_{index}" if scale_id else ""
        label_for = f' for="{escape(button_id)}"' if button_id else ""
        id_attribute = f' id="{escape(button_id)}"' if button_id else ""
        start = (
            f'\n  <label class="scale-option"{label_for}><input type="radio" name="{escape(name)}" '
            f'value="{escape(value)}"{id_attribute}'
        )
        end = f"{' required' if required else ''}><span>{escape(label)}</span></label>"
        buttons.append((value, f"{start}{end}", f"{start} checked{end}"))
    return tuple(buttons)


def scale(label: str, low: str, high: str, help_text: str = "") -> forms.TypedChoiceField:
    return FixedTypedChoiceField(
        label=label,
        choices=SCALE_CHOICES,
        coerce=int,
        widget=ScaleWidget(low, high),
        help_text=help_text,
        error_messages={
            "required": _("Please choose a number from 0 to 10."),
            "invalid_choice": _("Please choose a number from 0 to 10."),
        },
    )


class BlankQuestionsRenderer(FieldBlockRenderer):
    """The check-in's questions, unanswered, drawn once per process per language.

    Before the day's check-in every question is blank, and a blank question's block (its words,
    its buttons, its ids) is written in this module: the same for everyone. It is kept, keyed by
    the language, the form, the field and its id; a question with a value (today's answers being
    changed), a sent form and a field not in `BLANK_QUESTIONS` are drawn afresh every time.
    """

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        field = context.get("field") if template_name == FIELD_TEMPLATE else None
        if field is None or not _blank_question(field):
            return super().render(template_name, context, request=request)
        key = (get_language(), type(field.form), field.name, field.auto_id)
        block = _BLANK_BLOCKS.get(key)
        if block is None:
            block = _BLANK_BLOCKS[key] = field_block(field)
        return block


_BLANK_BLOCKS: dict[tuple[Any, ...], SafeString] = {}


def _blank_question(field: forms.BoundField) -> bool:
    form = field.form
    return (
        not form.is_bound
        and field.name in getattr(form, "BLANK_QUESTIONS", ())
        and field.value() in (None, "", [])
    )


class CheckInForm(forms.Form):
    # The questions whose words and choices are all written here (not the patient's own
    # activities, nor the form's one-time key): blank, they are the same for everyone.
    BLANK_QUESTIONS = frozenset(
        {
            "pain",
            "sleep",
            "mood",
            "withdrawal",
            "withdrawal_signs",
            "craving",
            "activity_text",
            "prn_doses",
            "self_harm",
            "overdose",
            "naloxone_used",
            "not_prescribed_opioids",
            "note",
        }
    )
    default_renderer = BlankQuestionsRenderer
    idempotency_key = forms.UUIDField(widget=widgets.HiddenInput)
    pain = scale(_("How bad is your pain today?"), _("0: no pain (best)"), _("10: worst pain"))
    sleep = scale(
        _("How well did you sleep last night?"), _("0: very badly"), _("10: very well (best)")
    )
    mood = scale(_("How is your mood today?"), _("0: very low"), _("10: very good (best)"))
    withdrawal = scale(
        _("How strong are withdrawal feelings today?"), _("0: none (best)"), _("10: very strong")
    )
    withdrawal_signs = FixedMultipleChoiceField(
        label=_("Did you notice any of these today?"),
        choices=WITHDRAWAL_SIGNS,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
        help_text=_("These are common signs of withdrawal. Tick any you noticed."),
    )
    craving = scale(
        _("How strong is the urge to take more medicine?"),
        _("0: no urge (best)"),
        _("10: very strong"),
    )
    activity = forms.ChoiceField(
        label=_("Did you do one of your steps today?"),
        required=False,
        widget=widgets.RadioSelect,
    )
    activity_text = forms.CharField(
        label=_("Or something else that mattered to you today"),
        required=False,
        max_length=160,
        help_text=_("For example: a short walk, a call with a friend."),
        widget=widgets.TextInput,
    )
    prn_doses = forms.IntegerField(
        label=_("How many extra 'as needed' doses did you take today?"),
        min_value=0,
        max_value=20,
        help_text=_("Put 0 if none, or if you have no 'as needed' medicine."),
        error_messages={
            "min_value": _("Please enter a number from 0 to 20."),
            "max_value": _("Please enter a number from 0 to 20."),
            "invalid": _("Please enter a whole number, like 0 or 1."),
            "required": _("Please enter a number; put 0 if none."),
        },
        widget=widgets.NumberInput(attrs={"inputmode": "numeric"}),
    )
    self_harm = safety_question(
        _("Have you had thoughts of hurting yourself, or that you would be better off dead?"),
        SELF_HARM_CHOICES,
        _("If yes, we will show you where to get help right now and tell your care team."),
    )
    overdose = safety_question(
        _("Since your last check-in, did you have an overdose?"),
        YES_NO,
        _(
            "That means too much medicine: very hard to wake up, or slow breathing. Telling us "
            "helps us keep you safe."
        ),
    )
    naloxone_used = safety_question(
        _("Since your last check-in, did anyone give you naloxone (Narcan)?"), YES_NO
    )
    not_prescribed_opioids = safety_question(
        _("Since your last check-in, did you take any opioid that was not prescribed to you?"),
        YES_NO_RATHER_NOT_SAY,
        _(
            "For example, pills from a friend, or bought on the street. It is OK to tell us. We "
            "ask to keep you safe, not to judge you."
        ),
    )
    note = forms.CharField(
        label=_("Anything else you want your care team to know? (optional)"),
        required=False,
        max_length=2000,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, activities: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activities = {str(a.public_id): a for a in activities}
        choices = [(key, a.title) for key, a in self.activities.items()]
        # "Not today" has a value of its own: an empty value would be shown as already chosen.
        self.fields["activity"].choices = [*choices, (NOT_TODAY, _("Not today"))]
        if not activities:
            self.fields["activity"].widget = widgets.HiddenInput()
        # The words of the questions drawn afresh, worded once for this page: a lazy word is
        # translated again each time it is read, and drawing a field reads its label three or
        # four times. (A blank question comes drawn, in its language, from the renderer.)
        for name, field in self.fields.items():
            if self._drawn_blank(name, field):
                continue
            field.label = str(field.label) if field.label is not None else None
            field.help_text = str(field.help_text)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4()

    def _drawn_blank(self, name: str, field: forms.Field) -> bool:
        return (
            not self.is_bound
            and name in self.BLANK_QUESTIONS
            and self.get_initial_for_field(field, name) in (None, "", [])
        )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "pain": data["pain"],
            "sleep": data["sleep"],
            "mood": data["mood"],
            "withdrawal": data["withdrawal"],
            "craving": data["craving"],
            "withdrawal_signs": list(data["withdrawal_signs"]),
            "prn_doses": data["prn_doses"],
            "self_harm_thoughts": _ANSWER.get(data["self_harm"]),
            "self_harm_declined": data["self_harm"] == "skip",
            "overdose": _ANSWER.get(data["overdose"]),
            "naloxone_used": _ANSWER.get(data["naloxone_used"]),
            "not_prescribed_opioids": _ANSWER.get(data["not_prescribed_opioids"]),
            "note": data["note"].strip(),
            "activity_text": data["activity_text"].strip(),
        }

    def chosen_activity(self) -> Activity | None:
        return self.activities.get(self.cleaned_data.get("activity") or "")


def _as_choice(value: bool | None, declined: bool = False) -> str:
    if value is None:
        return "skip" if declined else ""
    return "yes" if value else "no"


def checkin_initial(checkin: CheckIn) -> dict[str, Any]:
    """A saved check-in as the form's starting values, for editing today's entry."""
    return {
        "pain": checkin.pain,
        "sleep": checkin.sleep,
        "mood": checkin.mood,
        "withdrawal": checkin.withdrawal,
        "craving": checkin.craving,
        "withdrawal_signs": checkin.withdrawal_signs,
        "activity": str(checkin.activity_done.public_id) if checkin.activity_done else NOT_TODAY,
        "activity_text": checkin.activity_text,
        "prn_doses": checkin.prn_doses,
        # A question not asked before (an older entry) stays unanswered, never "no".
        "self_harm": _as_choice(checkin.self_harm_thoughts, checkin.self_harm_declined),
        "overdose": _as_choice(checkin.overdose),
        "naloxone_used": _as_choice(checkin.naloxone_used),
        "not_prescribed_opioids": _as_choice(checkin.not_prescribed_opioids),
        "note": checkin.note,
    }


class QuestionnaireForm(forms.Form):
    """One radio group per item of a clinical instrument, in its own order and words."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            choices = [(o.value, o.label) for o in item.options]
            if item.anchors and len(item.anchors) == 2:
                last = len(choices) - 1
                choices[0] = (choices[0][0], f"{choices[0][1]}: {item.anchors[0]}")
                choices[last] = (choices[last][0], f"{choices[last][1]}: {item.anchors[1]}")
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                coerce=int,
                widget=widgets.RadioSelect,
                required=item.scored,
                error_messages={"required": _("Please choose an answer for this question.")},
            )
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4()

    def answers(self) -> list[int]:
        answers = []
        for item in self.instrument.items:
            value = self.cleaned_data.get(f"item_{item.number}")
            if value in (None, ""):
                if item.scored:
                    raise forms.ValidationError(_("Please answer every question."))
                break  # an unscored last item may be left out
            answers.append(int(value))
        return answers


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why do you want to lower your dose? In your own words."),
        max_length=2000,
        widget=widgets.Textarea(attrs={"rows": 4}),
        help_text=_("For example: to think more clearly, to worry less about side effects."),
        error_messages={"required": _("Please write a few words, or leave this for later.")},
    )

    def __init__(self, *args: Any, tapering: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not tapering:
            # No plan in force: lowering the dose is the patient's choice, never presumed.
            self.fields["reasons"].label = _(
                "If you ever chose to lower your dose, what would it be for? In your own words."
            )


class PauseRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What is making it hard right now? (optional)"),
        required=False,
        max_length=1000,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )


YES_NO_UNSURE = [("yes", _("Yes")), ("no", _("No")), ("unsure", _("I'm not sure"))]
_AS_BOOL = {"yes": True, "no": False, "unsure": None, "": None}
EXPIRY_YEARS_AHEAD = 10  # naloxone keeps 2-3 years; a date further out is a typing slip


def _bool_choice(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unsure"}[value]


class NaloxonePlanForm(forms.Form):
    """The patient's naloxone plan. Only the first question is needed; the rest can wait."""

    has_naloxone = forms.ChoiceField(
        label=_("Do you have naloxone at home?"),
        choices=YES_NO_UNSURE,
        widget=widgets.RadioSelect,
        help_text=_("Naloxone is often called Narcan. It is usually a nose spray."),
        error_messages={"required": _("Please choose Yes, No or I'm not sure.")},
    )
    kept_where = forms.CharField(
        label=_("Where do you keep it?"),
        required=False,
        max_length=200,
        help_text=_("Somewhere easy to find, for example: kitchen drawer by the sink."),
    )
    expires_on = forms.DateField(
        label=_("When does it expire?"),
        required=False,
        help_text=_("The date is printed on the box. We will remind you a month before."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Please enter a date like 2027-05-31.")},
    )
    someone_knows = forms.ChoiceField(
        label=_("Does someone at home know how to use it?"),
        choices=YES_NO_UNSURE,
        required=False,
        widget=widgets.RadioSelect,
    )

    @classmethod
    def initial_from(cls, plan: NaloxonePlan | None) -> dict[str, Any]:
        if plan is None:
            return {}
        return {
            "has_naloxone": _bool_choice(plan.has_naloxone),
            "kept_where": plan.kept_where,
            "expires_on": plan.expires_on,
            "someone_knows": _bool_choice(plan.someone_knows),
        }

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self) -> Any:
        value = self.cleaned_data.get("expires_on")
        if value is not None and not (
            value.year >= 2000 and value.year <= self.today.year + EXPIRY_YEARS_AHEAD
        ):
            raise forms.ValidationError(_("Please check the year of the expiry date."))
        return value

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        has = _AS_BOOL[data["has_naloxone"]]
        return {
            "has_naloxone": has,
            # Without naloxone at home there is nothing to keep or renew.
            "kept_where": data["kept_where"] if has is not False else "",
            "expires_on": data["expires_on"] if has is not False else None,
            "someone_knows": _AS_BOOL[data.get("someone_knows") or ""],
        }
