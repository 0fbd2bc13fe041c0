"""What was asked against what was said: a value asked and not given is said to be missing; short
follow-ups resolved from the question before; a verdict per volet when visitors ask whether the
programme is for them; the thanks that offers, once, to finish a partial verdict; a "non" that
states a fact. Through the real actions, over a real SQLite KB."""

from __future__ import annotations

from actions import answers, cases, eligibility, fallback, programme, screening
from common.profile import read_answer
from common.slots import LAST_RECORD_SLOT, SCREENING_RESULT_SLOT
from tests.actions.helpers import ent, payloads, run, texts, tracker_for


def _with_history(tracker, *said):
    """`tracker` with earlier turns before its latest message: ("user", text) / ("bot", text)."""
    history = [{"event": kind, "text": text} for kind, text in said]
    tracker.events = history + list(tracker.events)
    return tracker


def _slot(events, name):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), None)


# --------------------------------------------------------------------------- a value asked, not given


def test_a_year_asked_and_not_given_is_said_missing_with_who_knows(kb):
    extra = answers.admission("En quelle année le programme a-t-il été lancé ?", "Le programme aide les coops.")
    assert extra.startswith("Nos sources ne donnent pas l'année") and "CDRQ" in extra


def test_a_count_asked_and_not_given_is_said_missing(kb):
    # "Volet 1" and "n = 403" are names, not the count asked
    said = "Volet 1 (Information et formation) — outils : webinaires (n = 403)\nSource : Cas 2"
    assert answers.admission("yen a combien de webinaires dans le volet 1", said).startswith(
        "Nos sources ne donnent pas ce chiffre"
    )


def test_no_admission_when_the_value_is_there_or_already_admitted(kb):
    assert answers.admission("combien d'employés chez Groupe TAQ ?", "Groupe TAQ — effectif : 260 personnes") is None
    assert answers.admission("combien pour le volet 2 ?", "Nos sources ne donnent pas de montant.") is None
    assert answers.admission("c'est quoi le volet 2 ?", "Volet 2 — Accompagnement") is None  # no value asked
    assert answers.admission("/ask_amounts", "rien") is None  # a button, not a typed question


def test_the_topic_action_adds_the_admission_after_its_answer(kb):
    msgs, _ = run(
        programme.ActionUptake(), tracker_for("Quel est le taux de réussite des projets soutenus ?", "ask_uptake")
    )
    said = texts(msgs)
    assert "Nos sources ne donnent pas ce pourcentage" in said  # counts (143) are not the rate asked


# --------------------------------------------------------------------------- short follow-ups


def test_pis_le_3_after_the_amount_of_volet_2_asks_the_amount_of_volet_3(kb):
    tracker = _with_history(
        tracker_for("pis le 3 ?", "ask_volets", [ent("volet", "3")], slots={LAST_RECORD_SLOT: "volet:volet_2"}),
        ("user", "ça donne combien d'argent, le volet 2 ?"),
    )
    msgs, _ = run(programme.ActionVolets(), tracker)
    assert "30 000 $" in texts(msgs) and "250 000 $" in texts(msgs)


def test_et_chaque_annee_after_a_cost_gives_the_yearly_budget_of_the_same_case(kb):
    tracker = _with_history(
        tracker_for("Et chaque année ?", "nlu_fallback", slots={LAST_RECORD_SLOT: "case:case_02_defi_polyteck"}),
        ("user", "Combien ça leur a coûté ?"),
    )
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker)
    assert "25 000 $" in texts(msgs) and "Défi Polyteck" in texts(msgs)


def test_a_list_of_examples_puts_its_first_case_in_context(kb):
    msgs, events = run(
        cases.ActionCases(),
        tracker_for("T'as un exemple de coop en alimentation qui a fait un virage numérique ?", "ask_cases"),
    )
    first = _slot(events, LAST_RECORD_SLOT)
    assert first and first.startswith("case:") and "Voici" in texts(msgs) or "correspond" in texts(msgs)


def test_a_case_answer_says_where_it_is_and_who_leads_it(kb):
    reply = answers.named_facet("c'est qui le directeur général de Sercovie ?")
    assert reply is not None and "Rémi Demers" in reply.text and "Sherbrooke" in reply.text
    reply = answers.named_facet("Quel ERP Défi Polyteck utilise-t-il ?")
    assert reply is not None and "Prextra" in reply.text


def test_no_follow_up_on_what_the_sources_do_not_say():
    assert answers.follow_up("pis le volet 3 ?", "unknown:min_staff", None) is None


# --------------------------------------------------------------------------- "is it for us?"


def test_asks_about_us_reads_the_ways_people_ask():
    for text in (
        "bonjour on est une coop de travail a rimouski, est-ce qu'on peut avoir de l'aide?",
        "Le programme peut-il nous aider ?",
        "allo on est un obnl on a une friperie a gatineau, y a tu de quoi pour nous",
        "on peut tu etre admissible?",
        "notre compagnie de théâtre est un OBNL. Est-ce qu'on pourrait être accompagnés ?",  # dev3 fc09
        # dev9 jc15, jc08, jc16, jc13: access, help, a project filed, asked in the visitor's own words
        "je dirige une mutuelle d'assurance agricole. Est-ce que les mutuelles ont accès au programme ?",
        "nous sommes un OBNL qui présente des spectacles. Pourrions-nous obtenir de l'aide pour planifier ?",
        "notre communaute religieuse gere une friperie, cest tu possible davoir de laide?",
        "nous sommes une association sectorielle. Pouvons-nous déposer un projet de cybersécurité ?",
    ):
        assert screening.asks_about_us(text), text
    for text in (
        "une mutuelle c'est admissible ?",
        "Combien peut-on obtenir au maximum ?",
        "c est quoi le volet 2",
        "on a accès à quels outils ?",
    ):
        assert not screening.asks_about_us(text), text


def test_an_eligibility_question_about_us_gets_a_verdict_per_volet(kb):
    msgs, events = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "slt on est une fédération de coops, on peut tu etre admissible?",
            "ask_eligibility",
            [ent("legal_form", "coops")],
            slots={"is_network": True},
        ),
    )
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (coopérative")
    # the definition's criteria are still to be answered, for every volet (volet 1 included)
    assert "• Volet 1 (Information et formation) : à confirmer" in said
    assert "• Volet 3 (Aide financière aux réseaux pour des projets structurants) : à confirmer" in said
    assert "/start_screening" in payloads(msgs) and _slot(events, "legal_form") == "cooperative"


def test_a_category_the_nlu_did_not_tag_counts_beside_what_it_tagged(kb):
    # dev9 jc16: the NLU tagged the friperie (a sector), not the religious community: both count
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "bonjour notre communaute religieuse gere une friperie, cest tu possible davoir de laide?",
            "ask_eligibility",
            [ent("sector", "friperie")],
        ),
    )
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (organisme religieux")
    assert "• Volets 1, 2 et 3 : non admissibles." in said


def test_a_general_eligibility_question_is_not_about_the_visitor(kb):
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for("une mutuelle c'est admissible ?", "ask_eligibility", [ent("legal_form", "mutuelle")]),
    )
    assert not texts(msgs).startswith("D'après ce que vous m'avez dit")


# --------------------------------------------------------------------------- thanks and "non"


def test_thanks_offer_once_to_finish_a_partial_verdict(kb):
    prior = ("bot", "D'après ce que vous m'avez dit (coopérative), et d'après la définition…")
    tracker = _with_history(tracker_for("merci", "thank", slots={"legal_form": "cooperative"}), prior)
    msgs, _ = run(screening.ActionThank(), tracker)
    assert texts(msgs).startswith("Avec plaisir ! " + screening.FINISH_OFFER) and "/start_screening" in payloads(msgs)
    # said once: the second thanks is only thanked
    offered = ("bot", texts(msgs))
    tracker = _with_history(tracker_for("merci", "thank", slots={"legal_form": "cooperative"}), prior, offered)
    msgs, _ = run(screening.ActionThank(), tracker)
    assert msgs == [{**msgs[0], "response": "utter_thank"}] and not payloads(msgs)


def test_thanks_without_a_partial_verdict_are_only_thanked(kb):
    for slots in ({}, {"legal_form": "cooperative", SCREENING_RESULT_SLOT: "{}"}):
        msgs, _ = run(screening.ActionThank(), tracker_for("merci", "thank", slots=slots))
        assert [m.get("response") for m in msgs] == ["utter_thank"]


def test_a_no_that_states_a_fact_is_noted(kb):
    msgs, events = run(
        screening.ActionDenyOrNote(),
        tracker_for("pas une fédération non, juste nous autres", "deny", [ent("network", "fédération")]),
    )
    assert _slot(events, "is_network") is False and "Noté" in texts(msgs)
    msgs, events = run(screening.ActionDenyOrNote(), tracker_for("non merci", "deny"))
    assert [m.get("response") for m in msgs] == ["utter_ok_noted"] and not events


def test_naming_the_members_answers_the_members_question():
    assert read_answer("les 12 travailleurs", "serves_members_or_community") is True
    assert read_answer("nos locataires", "serves_members_or_community") is True
    assert read_answer("faire du profit pour les actionnaires", "serves_members_or_community") is False


def test_a_question_naming_nothing_is_about_the_case_in_context(kb):
    # "qu'est-ce qui a mal tourné ?" after La Mauve: its lessons, not another case's empty facet
    reply = answers.context_follow_up("qu'est-ce qui a mal tourné au début ?", "case:case_08_la_mauve")
    assert reply is not None and reply.records == ["case:case_08_la_mauve"] and "échec" in reply.text
    # a general question stays general, whatever is in context
    assert answers.context_follow_up("quels sont les grands défis ?", "case:case_08_la_mauve") is None


def test_a_follow_up_naming_another_record_is_about_that_record(kb):
    assert answers.follow_up("et le volet 2 ?", "volet:volet_1", None) is None
    assert answers.follow_up("Et l'OTN, c'est quoi ?", "volet:volet_3", None) is None
    reply = answers.follow_up("et ils sont situés où ?", "case:case_08_la_mauve", None)
    assert reply is not None and "Saint-Vallier" in reply.text


def test_english_questions_reach_the_french_records(kb):
    reply = answers.any_answer("What kinds of projects were funded under the third component?")
    assert reply is not None and reply.records == ["volet:volet_3"] and "cybersécurité" in reply.text
    reply = answers.any_answer("Who can apply to the second component?")
    assert reply is not None and reply.records == ["volet:volet_2"]


def test_a_survey_figure_asked_for_no_group_is_the_one_for_all_respondents(kb):
    reply = answers.any_answer("What share of social economy enterprises sell their products or services online?")
    assert reply is not None and "29 %" in reply.text and "47 %" not in reply.text
    reply = answers.any_answer("combien d'entreprises en loisir vendent en ligne ?")
    assert reply is not None and "47 %" in reply.text  # the sector named is kept


def test_the_fallback_notes_facts_rather_than_offering_buttons(kb):
    msgs, _ = run(
        fallback.ActionAnswerOrClarify(),
        tracker_for(
            "On est une coop de solidarité santé à Alma, il paraît que vous avez un truc?",
            "nlu_fallback",
            [ent("legal_form", "coop de solidarité"), ent("region", "Alma")],
        ),
    )
    assert "Noté : coopérative" in texts(msgs) and "Vouliez-vous dire" not in texts(msgs)


def test_a_short_question_after_a_case_is_about_that_case(kb):
    reply = answers.context_follow_up("combien d'employés ?", "case:case_07_groupe_taq")
    assert reply is not None and "260" in reply.text
    msgs, _ = run(
        fallback.ActionBotChallenge(),
        tracker_for("c'est où déjà ?", "bot_challenge", slots={LAST_RECORD_SLOT: "case:case_08_la_mauve"}),
    )
    assert "Saint-Vallier" in texts(msgs) and "robot" not in texts(msgs)
    msgs, _ = run(fallback.ActionBotChallenge(), tracker_for("es-tu un robot ?", "bot_challenge"))
    assert [m.get("response") for m in msgs] == ["utter_iamabot"]


def test_what_the_sources_do_not_say_does_not_replace_the_context(kb):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.kb import emit

    events = emit(CollectingDispatcher(), [answers.unknown_reply("min_staff")])
    assert events == []


def test_an_eligibility_question_about_us_read_as_another_topic_gets_the_verdict(kb):
    msgs, _ = run(
        programme.ActionNotCovered(),
        tracker_for(
            "je suis dans un syndicat, on pourrait avoir du financement?",
            "ask_not_covered",
            [ent("org_category", "syndicat")],
        ),
    )
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (syndicat")
    assert "non admissibles" in said and "syndicats" in said


def test_a_short_question_after_a_term_gets_what_the_sources_do_not_say_about_it(kb):
    from actions import glossary

    msgs, events = run(glossary.ActionDefine(), tracker_for("c'est quoi l'autoexamen", "ask_definition"))
    context = _slot(events, LAST_RECORD_SLOT)
    assert context == "term:self_assessment"
    for asked, unknown in (("c'est gratuit ?", "coûte"), ("ça prend combien de temps ?", "durée")):
        msgs, _ = run(
            programme.ActionHowToStart(), tracker_for(asked, "ask_how_to_start", slots={LAST_RECORD_SLOT: context})
        )
        assert "Nos sources n" in texts(msgs) and unknown in texts(msgs), asked


def test_a_short_question_after_the_dates_reads_with_them(kb):
    tracker = _with_history(
        tracker_for("pis c'est quelle année ?", "nlu_fallback"), ("user", "c'est quoi les dates limites")
    )
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker)
    assert "sans préciser l'année" in texts(msgs)


def test_two_things_compared_get_one_answer_each_in_the_order_named(kb):
    both = answers.compared("Quelle est la différence entre un intranet et un extranet ?")
    assert [r.text.split(" :")[0] for r in both] == ["Intranet", "Extranet"]
    assert "externe" in both[1].text
    assert answers.compared("c'est quoi un ERP ?") is None  # one thing named, no comparison


def test_a_follow_up_finds_the_facet_of_the_case_in_context_not_its_card(kb):
    reply = answers.follow_up("pis c'était quoi le plus dur ?", "case:case_12_euguelienne", None)
    assert reply is not None and "leçons tirées" in reply.text
    reply = answers.follow_up("combien ils ont ramassé ?", "case:case_12_euguelienne", None)
    assert reply is not None and "30 000 $" in reply.text


def test_sector_figures_only_for_the_sector_as_a_whole():
    assert answers.sector_figures_asked("combien d'employés chez Groupe TAQ") == []
    reply = answers.any_answer("combien d'entreprises d'économie sociale au Québec ? et en 2017 ?", loose=False)
    assert reply is not None and "7 000" in reply.text and "11 200" in reply.text


def test_a_general_question_on_one_criterion_gets_the_rule(kb):
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "Que doit-il arriver aux biens d'une entreprise d'économie sociale en cas de dissolution ?",
            "ask_eligibility",
        ),
    )
    said = texts(msgs)
    assert said.startswith("Dévolution des biens en cas de dissolution : ")
    assert "objectifs semblables" in said and "Source : " in said


def test_a_count_of_another_thing_is_not_the_count_asked(kb):
    """dev8 h180: « litineraire a combien de camelots » got the founding (« fondée en 1988 ») and its
    readers, with no word that the sources do not count the camelots."""
    said = (
        "L'itinéraire — fondation : Fondée en 1988 à Montréal, L'itinéraire aide des personnes à sortir de la "
        "rue en devenant camelots. Elle compte 15 000 lecteurs."
    )
    assert answers.admission("litineraire a combien de camelots", said).startswith("Nos sources ne donnent pas")
    assert answers.admission("combien de lecteurs a litineraire", said) is None
    assert answers.admission("combien de projets ont été soutenus", "plus d'une dizaine de projets") is None
