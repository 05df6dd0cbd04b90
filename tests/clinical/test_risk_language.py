"""The risk-language screen: indirect wording is caught, ordinary pain talk is not read as risk.

Every sentence here was written for these tests. Risky sentences name the category they must be
found under (the C-SSRS ideation and behaviour categories, or this project's warning signs).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest

from taperwell.cli import main
from taperwell.clinical.risk_language import (
    RiskLanguageDataError,
    RiskScreen,
    load_phrases,
    normalise,
    parse_phrases,
    screen,
)

CURLY = "\u2019"  # the apostrophe phones type

# (sentence, category it must be found under); each must screen "high".
HIGH_EN = [
    ("Some nights I just want to die.", "wish-to-be-dead"),
    ("Honestly I wish I was dead.", "wish-to-be-dead"),
    ("I wish I could die.", "wish-to-be-dead"),
    ("Some days I pray I would just die in my sleep.", "wish-to-be-dead"),
    ("I'm going to take all my pills.", "method"),
    ("My family would be better off without me.", "wish-to-be-dead"),
    ("Everyone would be better off without me around.", "wish-to-be-dead"),
    ("I hope I don't wake up tomorrow.", "wish-to-be-dead"),
    ("I hope I dont wake up tomorrow", "wish-to-be-dead"),
    ("I want to go to sleep and never wake up.", "wish-to-be-dead"),
    ("I don't want to be alive anymore.", "wish-to-be-dead"),
    (f"I don{CURLY}t want to live anymore, this is too much.", "wish-to-be-dead"),
    ("No one would even miss me.", "wish-to-be-dead"),
    ("There's no reason to live now that my wife is gone.", "wish-to-be-dead"),
    ("I have nothing left to live for.", "wish-to-be-dead"),
    ("I'm tired of living.", "wish-to-be-dead"),
    ("I would rather be dead than feel like this.", "wish-to-be-dead"),
    ("I wish I could sleep and not wake up.", "wish-to-be-dead"),
    ("Everyone would be happier if I was gone.", "wish-to-be-dead"),
    ("I just want to end it.", "non-specific-active"),
    ("I'm having thoughts about suicide again.", "non-specific-active"),
    ("I've been thinking about killing myself.", "non-specific-active"),
    ("I feel suicidal tonight.", "non-specific-active"),
    ("Sometimes I think about ending it all.", "non-specific-active"),
    ("I keep thinking of ending my life.", "non-specific-active"),
    ("I WANT TO KILL MYSELF", "non-specific-active"),
    ("I get the urge to hurt myself when the pain spikes.", "non-specific-active"),
    ("I could take all my pills at once and be done.", "method"),
    ("I have enough oxycodone to not wake up.", "method"),
    ("I thought about jumping off the bridge on my way home.", "method"),
    ("I keep picturing how I'd drive my car into a tree.", "method"),
    ("I know exactly how I would end it.", "method"),
    ("Sometimes I want to swallow the whole bottle.", "method"),
    ("I'm going to kill myself.", "intent"),
    ("I've made up my mind to end my life.", "intent"),
    ("I'm ready to die.", "intent"),
    ("I have a plan to end it this weekend.", "plan"),
    ("I have a plan, and the rope is in the garage.", "plan"),
    ("I picked the date to end my life.", "plan"),
    ("I've worked out when to kill myself.", "plan"),
    ("I've been saving up my pills in a sock drawer.", "preparatory"),
    ("I've been stockpiling my oxys for a while.", "preparatory"),
    ("The pills I've been saving are in the closet.", "preparatory"),
    ("I wrote a goodbye letter to my kids.", "preparatory"),
    ("Goodbye forever, thank you all.", "preparatory"),
    ("I tried to kill myself two years ago.", "past-attempt"),
    ("After my last suicide attempt I was in the ICU.", "past-attempt"),
    ("I overdosed on purpose once before.", "past-attempt"),
    ("I've been cutting myself again.", "self-injury"),
    ("The self-harm started again last week.", "self-injury"),
]

HIGH_ES = [
    ("A veces quiero morirme.", "wish-to-be-dead"),
    ("Me quiero morir.", "wish-to-be-dead"),
    ("Tengo ganas de morir.", "wish-to-be-dead"),
    ("Mi familia estaría mejor sin mí.", "wish-to-be-dead"),
    ("Estarian mejor sin mi", "wish-to-be-dead"),
    ("Ojalá no despertar mañana.", "wish-to-be-dead"),
    ("Ojala no despertar manana", "wish-to-be-dead"),
    ("Quisiera dormirme y no despertar.", "wish-to-be-dead"),
    ("Ya no quiero vivir.", "wish-to-be-dead"),
    ("Ya no quiero seguir viviendo.", "wish-to-be-dead"),
    ("Nadie me extrañaría.", "wish-to-be-dead"),
    ("No tengo nada por que vivir.", "wish-to-be-dead"),
    ("Estoy cansada de vivir.", "wish-to-be-dead"),
    ("Ojalá estuviera muerto.", "wish-to-be-dead"),
    ("Serían más felices si yo no estuviera.", "wish-to-be-dead"),
    ("He pensado en suicidarme.", "non-specific-active"),
    ("Estoy pensando en quitarme la vida.", "non-specific-active"),
    ("Tengo pensamientos de suicidio.", "non-specific-active"),
    ("Me siento suicida.", "non-specific-active"),
    ("Quiero acabar con todo.", "non-specific-active"),
    ("Me dan ganas de hacerme daño.", "non-specific-active"),
    ("Pienso en tomarme todas las pastillas.", "method"),
    ("Tengo pastillas suficientes para no despertar.", "method"),
    ("Pensé en tirarme del puente.", "method"),
    ("Ya sé cómo quitarme la vida.", "method"),
    ("Me voy a matar.", "intent"),
    ("Voy a acabar con mi vida.", "intent"),
    ("Esta noche me quito la vida.", "intent"),
    ("Tengo un plan para matarme.", "plan"),
    ("Ya tengo la fecha para quitarme la vida.", "plan"),
    ("Ya sé cuándo suicidarme.", "plan"),
    ("He estado juntando pastillas.", "preparatory"),
    ("Estoy acumulando mis pastillas en el cajón.", "preparatory"),
    ("Escribí una carta de despedida.", "preparatory"),
    ("Me despido de todos para siempre.", "preparatory"),
    ("Adiós para siempre.", "preparatory"),
    ("Intenté suicidarme hace dos años.", "past-attempt"),
    ("Traté de quitarme la vida en 2019.", "past-attempt"),
    ("Una vez me tomé todo el frasco.", "past-attempt"),
    ("Sigo cortándome los brazos.", "self-injury"),
    ("Otra vez me corté a propósito.", "self-injury"),
]

# Indirect warning signs and bare mentions: caught, for the care team to read, not "high".
POSSIBLE = [
    ("I can't go on like this.", "warning-signs"),
    ("I cant go on", "warning-signs"),
    ("There's no point anymore.", "warning-signs"),
    ("What's the point of living with this pain?", "warning-signs"),
    ("I'm such a burden to my family.", "warning-signs"),
    ("I feel like a burden on everyone.", "warning-signs"),
    ("I can't take this pain anymore.", "warning-signs"),
    ("I've been giving away my things.", "warning-signs"),
    ("This is goodbye.", "warning-signs"),
    ("I want to just disappear.", "warning-signs"),
    ("I feel so hopeless.", "warning-signs"),
    ("I want it all to end.", "warning-signs"),
    ("Honestly I don't want to be here.", "warning-signs"),
    ("Ya no quiero estar aquí.", "warning-signs"),
    ("Goodbye everyone, see you Thursday!", "warning-signs"),
    ("I hurt myself gardening.", "mention"),
    ("Please look after my cat when I'm gone.", "warning-signs"),
    ("My brother killed himself last spring.", "mention"),
    ("I'm scared of an overdose.", "mention"),
    ("Ya no puedo más.", "warning-signs"),
    ("Ya no puedo mas", "warning-signs"),
    ("No puedo seguir así.", "warning-signs"),
    ("Ya no tiene sentido nada.", "warning-signs"),
    ("Soy una carga para mis hijos.", "warning-signs"),
    ("Siento que soy un estorbo.", "warning-signs"),
    ("Estoy regalando mis cosas.", "warning-signs"),
    ("Quiero desaparecer.", "warning-signs"),
    ("Me siento sin esperanza.", "warning-signs"),
    ("No quiero vivir así.", "warning-signs"),
    ("Mi tío se suicidó.", "mention"),
    ("Tengo miedo de una sobredosis.", "mention"),
]

# Negated: never "high", never nothing.
NEGATED = [
    "I'm not suicidal.",
    f"I{CURLY}m not suicidal, just tired.",
    "I would never kill myself.",
    "I don't want to die, I want my life back.",
    "I have no thoughts of suicide.",
    "I'm not going to kill myself, I promise.",
    "No estoy pensando en suicidarme.",
    "No me quiero morir.",
    "Nunca he pensado en quitarme la vida.",
    "No quiero morir, quiero vivir sin dolor.",
]

ORDINARY_EN = [
    "This pain is killing me today.",
    "My back is killing me after the drive.",
    "I'm dead tired after physical therapy.",
    "I could kill for a coffee right now.",
    "I don't want to be here at the clinic all day.",
    "I don't want to be here alone tonight, can someone visit?",
    "I'm dying to see my grandkids this weekend.",
    "I was dying of laughter at the group meeting.",
    "My phone died halfway through the breathing exercise.",
    "I slept like the dead last night.",
    "Dead on my feet but I did my walk.",
    "I didn't wake up until ten, which felt great.",
    "I hope I don't wake up early tomorrow.",
    "I took all my pills with breakfast like always.",
    "I take all my meds at the same time every morning.",
    "I keep my pills in a locked box away from the grandkids.",
    "I'm bringing all my pill bottles to the visit for the review.",
    "I have a plan for my garden this spring.",
    "I made a plan with my nurse for the next step.",
    "I said goodbye to my daughter at the airport.",
    "We finally set a date for the wedding.",
    "The withdrawal was brutal but I got through it.",
    "I'm going to the pharmacy to pick up naloxone.",
    "My knees hurt like crazy when it rains.",
    "I want to live long enough to see my grandson graduate.",
    "I tried the body scan and it helped a little.",
    "I tried to walk to the mailbox and made it.",
    "I'm taking my life back one day at a time.",
    "I'm saving money on my medicine with a coupon.",
    "The last time I tried tapering it went too fast.",
    "I'm tired of the rain.",
    "My neighbor's dog is driving me crazy.",
    "Work has been murder this week.",
    "I would die for my kids.",
    "Pain 7 today, slept badly, did the breathing twice.",
    "Feeling hopeful about the slower pace.",
    "It's a dead end road so it's quiet for walks.",
    "I stopped myself from taking an extra pill.",
    "I want to be here for my granddaughter's birthday.",
    "The doctor said I'm in good shape for my age.",
    "Can I take all my morning pills together?",
    "Killing time in the waiting room.",
    "That joke killed me.",
    "I wanted to die of embarrassment when I fell asleep in group.",
    "I just want the pain to end so I can play with my grandson.",
    "I have a plan for when I die: my will is done and the kids know.",
    "My sister wants to end it with her boyfriend.",
]

ORDINARY_ES = [
    "Este dolor me está matando.",
    "Me mata la espalda hoy.",
    "Estoy muerta de cansancio.",
    "Estoy muerto de hambre.",
    "Me muero de ganas de ver a mis nietos.",
    "Me muero por un café.",
    "Me moría de la risa con mi nieta.",
    "Dormí como un tronco.",
    "Hoy me desperté a las diez y me sentí bien.",
    "No quiero despertar temprano mañana.",
    "Me tomé todas las pastillas de hoy con el desayuno.",
    "Guardo mis pastillas en una caja con llave.",
    "Estoy juntando mis medicinas para llevarlas a la cita.",
    "Tengo un plan para el jardín.",
    "Hice un plan con la enfermera para el siguiente paso.",
    "Me despedí de mi hija en el aeropuerto.",
    "Por fin pusimos la fecha de la boda.",
    "La abstinencia fue dura pero ya pasó.",
    "Voy a la farmacia por la naloxona.",
    "Me duelen mucho las rodillas cuando llueve.",
    "Quiero vivir muchos años para ver a mi nieto crecer.",
    "Probé el ejercicio de respiración y me ayudó.",
    "Intenté caminar hasta la esquina y lo logré.",
    "Estoy ahorrando en mis medicinas con un cupón.",
    "Ya lo intenté antes y fue muy rápido.",
    "Estoy cansado de la lluvia.",
    "El perro del vecino me vuelve loca.",
    "Daría la vida por mis hijos.",
    "Dolor 7, dormí mal, hice la respiración dos veces.",
    "Me siento con esperanza con el ritmo más lento.",
    "Quiero estar aquí para el cumpleaños de mi nieta.",
    "Puedo tomar todas las pastillas juntas?",
    "Ese chiste me mató.",
    "Me hice daño en la rodilla en el jardín.",
    "Ojalá estuviera aquí mi hija.",
    "Mis hijos estarían felices de verme caminar.",
    "Hoy no aguanto el frío.",
    "Me tomé las pastillas a tiempo.",
    "El médico dice que voy muy bien.",
    "Matando el tiempo en la sala de espera.",
    "Me quiero morir de la vergüenza, me dormí en el grupo.",
]


def categories(result: RiskScreen) -> set[str]:
    return {m.category for m in result.matched}


@pytest.mark.parametrize(("sentence", "category"), HIGH_EN + HIGH_ES)
def test_risky_wording_screens_high_under_its_category(sentence: str, category: str) -> None:
    result = screen(sentence)
    assert result.risk == "high", result.as_dict()
    assert category in categories(result), result.as_dict()


@pytest.mark.parametrize(("sentence", "category"), POSSIBLE)
def test_indirect_warning_signs_and_mentions_screen_possible(sentence: str, category: str) -> None:
    result = screen(sentence)
    assert result.risk == "possible", result.as_dict()
    assert category in categories(result), result.as_dict()


@pytest.mark.parametrize("sentence", NEGATED)
def test_a_negated_risk_phrase_is_possible_never_high_and_never_nothing(sentence: str) -> None:
    result = screen(sentence)
    assert result.risk == "possible", result.as_dict()
    assert any(m.negated for m in result.matched)


@pytest.mark.parametrize("sentence", ORDINARY_EN + ORDINARY_ES)
def test_ordinary_pain_talk_and_idioms_are_not_read_as_risk(sentence: str) -> None:
    result = screen(sentence)
    assert result.risk == "none", result.as_dict()
    assert result.matched == ()


def test_the_tests_hold_at_least_forty_risky_and_forty_ordinary_sentences_in_each_language() -> (
    None
):
    assert len(HIGH_EN) >= 40
    assert len(HIGH_ES) >= 40
    assert len(ORDINARY_EN) >= 40
    assert len(ORDINARY_ES) >= 40


def test_a_risky_phrase_after_a_negated_one_still_counts_in_full() -> None:
    result = screen("I'm not suicidal but I've been saving up my pills.")
    assert result.risk == "high"
    by_category = {m.category: m for m in result.matched}
    assert by_category["non-specific-active"].negated
    assert not by_category["preparatory"].negated


def test_a_negation_in_an_earlier_clause_does_not_cancel_the_phrase() -> None:
    assert screen("I don't know anymore, I want to die.").risk == "high"
    assert screen("I can't sleep and I don't want to live anymore.").risk == "high"
    assert screen("No duermo y quiero morirme.").risk == "high"


def test_case_accents_and_apostrophes_do_not_change_the_result() -> None:
    variants = [
        "I don't want to be alive anymore",
        "I DON'T WANT TO BE ALIVE ANYMORE",
        f"I don{CURLY}t want to be alive any more",
        "i dont want to be alive anymore",
    ]
    assert {screen(v).risk for v in variants} == {"high"}
    spanish = ["Estarían mejor sin mí", "ESTARÍAN MEJOR SIN MÍ", "estarian mejor sin mi"]
    assert {screen(v).risk for v in spanish} == {"high"}


def test_the_matched_text_is_given_as_the_person_wrote_it() -> None:
    result = screen(f"Honestly?  I DON{CURLY}T want to be alive anymore.")
    assert [m.text for m in result.matched] == [f"DON{CURLY}T want to be alive anymore"]
    assert result.matched[0].language == "en"


def test_a_language_can_be_named_and_unknown_languages_try_every_list() -> None:
    assert screen("Me quiero morir", language="es").risk == "high"
    assert screen("Me quiero morir", language="en").risk == "none"
    assert screen("Me quiero morir", language="es-MX").risk == "high"
    assert screen("Me quiero morir", language="fr").risk == "high"


def test_empty_text_is_none() -> None:
    assert screen("").as_dict() == {"risk": "none", "matched": []}
    assert screen("   \n ").risk == "none"


def test_the_result_as_a_dict_carries_risk_and_each_match() -> None:
    assert screen("I have a plan to kill myself.").as_dict() == {
        "risk": "high",
        "matched": [
            {
                "category": "plan",
                "text": "have a plan to kill",
                "language": "en",
                "negated": False,
                "risk": "high",
            },
            {
                "category": "non-specific-active",
                "text": "kill myself",
                "language": "en",
                "negated": False,
                "risk": "high",
            },
        ],
    }


def test_normalise_keeps_the_position_of_each_character() -> None:
    plain, origin = normalise(f"Él  DON{CURLY}T")
    assert plain == "el dont"
    assert [origin[i] for i in range(len(plain))] == [0, 1, 2, 4, 5, 6, 8]


def test_every_category_names_its_cssrs_category_and_the_data_cites_the_cssrs() -> None:
    book = load_phrases()
    assert book.source == "POSNER-2011"
    assert book.mapping_source == "none"
    ids = {c.id for c in book.categories}
    assert {
        "wish-to-be-dead",
        "non-specific-active",
        "method",
        "intent",
        "plan",
        "preparatory",
        "past-attempt",
    } <= ids
    for category in book.categories:
        assert category.cssrs
        assert category.patterns["en"]
        assert category.patterns["es"]


def _minimal(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "source": "POSNER-2011",
        "mapping": {"source": "none", "note": "No source gives it."},
        "category": {"x": {"cssrs": "c", "risk": "high", "en": ["a"], "es": ["b"]}},
    }
    document.update(changes)
    return document


def test_the_loader_refuses_unusable_data() -> None:
    assert parse_phrases(_minimal()).categories[0].id == "x"
    bad = [
        _minimal(source="NOPE"),
        _minimal(mapping={"source": "none", "note": "made up"}),
        _minimal(category={"x": {"cssrs": "c", "risk": "urgent", "en": ["a"], "es": ["b"]}}),
        _minimal(category={"x": {"cssrs": "c", "risk": "high", "en": ["(a"], "es": ["b"]}}),
        _minimal(category={"x": {"cssrs": "c", "risk": "high", "en": ["a"]}}),
        _minimal(category={"x": {"risk": "high", "en": ["a"], "es": ["b"]}}),
    ]
    for document in bad:
        with pytest.raises(RiskLanguageDataError):
            parse_phrases(document)


# ---------------------------------------------------------------------------------------------
# Command line


def run_screen(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    assert main(["screen", *argv]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def test_screen_command_prints_the_risk_and_the_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = run_screen(capsys, ["My family would be better off without me"])
    assert output["risk"] == "high"
    assert output["matched"][0]["category"] == "wish-to-be-dead"


def test_screen_command_joins_several_words_into_one_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_screen(capsys, ["I", "want", "to", "die"])["risk"] == "high"
    assert run_screen(capsys, ["this", "pain", "is", "killing", "me"]) == {
        "risk": "none",
        "matched": [],
    }


def test_screen_command_reads_stdin_for_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Ya no puedo más.\nEstoy juntando pastillas.\n"))
    output = run_screen(capsys, ["-"])
    assert output["risk"] == "high"
    assert [m["category"] for m in output["matched"]] == ["warning-signs", "preparatory"]


def test_screen_command_takes_a_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_screen(capsys, ["--language", "en", "Me quiero morir"])["risk"] == "none"
    assert run_screen(capsys, ["--language", "es", "Me quiero morir"])["risk"] == "high"


def test_screen_is_listed_with_the_other_clinical_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "screen" in capsys.readouterr().out


def test_screen_runs_as_a_process_with_unicode_on_stdin() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "taperwell.cli", "screen", "-"],
        input="Nadie me extrañaría.",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output["risk"] == "high"
    assert output["matched"][0]["text"] == "Nadie me extrañaría"
