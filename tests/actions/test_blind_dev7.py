"""Failures left from the dev6 blind bank and seen on dev7 (3 December), each a family that recurs."""

from __future__ import annotations

from actions import cases
from knowledge.cases import all_cases
from tests.actions.helpers import ent, run, texts, tracker_for


def test_a_case_card_gives_its_whole_project_never_cut_mid_sentence(kb):
    """dev6 f091: « Quelles technologies la SODER envisage-t-elle pour le projet Bwat ? » got the card
    with the project cut at 420 characters (« … la… »), before the RFID it asked about."""
    for case in all_cases():
        msgs, _ = run(
            cases.ActionCases(), tracker_for("parle moi de ce cas", "ask_cases", [ent("case_name", case["id"])])
        )
        text = texts(msgs)
        assert case["project"] in text, case["id"]
        assert "…" not in text.split("Le projet : ", 1)[1].split("\n", 1)[0], case["id"]


def test_a_case_answer_adds_the_sentence_of_its_record_that_answers_the_question(kb):
    """dev7: « Avant sa plateforme de commerce en ligne, avec quoi La Mauve gérait-elle ses commandes
    et sa facturation ? » got the project, not the result that says Excel; « Quel inconvénient La
    Mauve voit-elle au fait d'utiliser une plateforme commerciale ? » missed its dependence."""
    from knowledge import retrieval
    from knowledge.cases import get

    mauve = get("case_08_la_mauve")
    # the answer shown was the project (the facet the question ranked first): the passage is another
    found = retrieval.best_passages(
        "case",
        mauve,
        "Avant sa plateforme de commerce en ligne, avec quoi La Mauve gérait-elle ses commandes et sa facturation?",
        shown=mauve["project"],
    )
    assert any("Excel" in x for x in found) and not any(x in mauve["project"] for x in found)
    found = retrieval.best_passages(
        "case", mauve, "Quel inconvénient La Mauve voit-elle au fait d'utiliser une plateforme commerciale ?"
    )
    assert any("dépendance" in x for x in found)
    # nothing said twice, nothing for a question that only names the case
    assert retrieval.best_passages("case", mauve, "parle moi de la mauve") == []
    shown = "\n".join(retrieval.case_passages(mauve))
    assert retrieval.best_passages("case", mauve, "avec quoi La Mauve gérait ses commandes ?", shown=shown) == []


def test_a_question_that_names_a_legal_form_but_asks_no_eligibility_is_answered_from_the_knowledge_base(kb):
    """dev7 g150, g177: the NLU read them as eligibility (they say « coop ») and they got « Coopérative :
    oui, sur ce point »."""
    from actions.eligibility import ActionEligibilityAnswer

    for text, legal_form, said in (
        (
            "Des coops d'un même secteur ont-elles avantage à se regrouper pour un projet numérique?",
            "coops",
            "s'associer",
        ),
        (
            "Par quelles étapes une coop doit-elle passer pour faire sa transition numérique avec la CDRQ?",
            "coop",
            "CDRQ",
        ),
    ):
        msgs, _ = run(ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility", [ent("legal_form", legal_form)]))
        assert said in texts(msgs) and "sur ce point" not in texts(msgs), text
    # an eligibility question stays one
    for text in ("une mutuelle de services funeraires ca marche tu", "les syndicats sont tu exclus du programme"):
        msgs, _ = run(ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility"))
        assert "s'associer" not in texts(msgs), text


def test_the_quebec_tu_and_inverted_subjects_make_a_question():
    """dev7 g120: « on est une coop on peut tu redistribuer nos surplus aux membres » was only noted."""
    from actions.answers import looks_like_question

    for text in ("on peut tu redistribuer nos surplus aux membres", "a-t-elle été fondée", "peut-on déposer"):
        assert looks_like_question(text), text
    for text in ("on est une coop a rimouski", "si tu veux", "merci beaucoup"):
        assert not looks_like_question(text), text


def test_public_control_denied_in_the_visitors_own_words():
    """dev7 gc02, gc03, gc04: « personne nous contrôle, c'est le CA qui décide » was read as « under
    public control » (volets refused), « aucun organisme public ne contrôle nos décisions » and « non,
    aucun contrôle public » were not read and the question came back."""
    from common.profile import read_answer

    for text in (
        "on a des subventions du conseil des arts mais personne nous controle, cest le CA qui decide",
        "Aucun organisme public ne contrôle nos décisions. C'est notre conseil qui décide.",
        "Non, aucun contrôle public; ce sont les coops membres qui élisent notre conseil.",
        "la ville a juste un observateur au CA, sans droit de vote",
    ):
        assert read_answer(text, "public_control") is False, text
    for text in ("la ville nous controle", "oui la ville nomme la majorite du CA"):
        assert read_answer(text, "public_control") is True, text


def test_what_the_visitor_takes_back_is_not_a_fact():
    """dev7 gc10: « j'ai dit tantôt que la ville nommait notre CA mais je me suis trompée : c'est juste
    un représentant de la ville, observateur sans vote » refused every volet."""
    from common.profile import extract_profile

    found = extract_profile(
        {
            "text": "ah pis attendez, jai dit tantot que la ville nommait notre CA mais je me suis trompee : cest "
            "juste un representant de la ville qui vient comme observateur, sans vote. le CA est elu par "
            "lassemblee des membres",
            "entities": [],
        }
    )
    assert found.get("public_control") is False and found.get("democratic_governance") is True


def test_a_network_said_in_passing():
    """dev7 gc05: « je suis dg d'une association qui regroupe des radios communautaires » was not a network."""
    from common.profile import extract_profile

    for text in (
        "bonjour je suis dg dune association qui regroupe des radios communautaires partout au quebec",
        "notre federation regroupe 12 coops",
    ):
        assert extract_profile({"text": text, "entities": []}).get("is_network") is True, text
    for text in ("on est membre dune federation", "les federations peuvent tu deposer"):
        assert "is_network" not in extract_profile({"text": text, "entities": []}), text


def test_the_next_steps_after_a_verdict_say_every_step_and_for_volet_3_the_amounts_and_dates(kb):
    """dev7 gc01, gc04: the verdict's next step was only the first of the volet's steps (no
    autoexamen), and told a federation to « vérifier que votre organisation est un réseau »."""
    from actions.screening import next_steps_text
    from knowledge import lookup

    two = next_steps_text(lookup.volet(2), {})
    assert "CDRQ" in two and "autoexamen" in two and "plan stratégique" in two
    three = next_steps_text(lookup.volet(3), {"is_network": True})
    assert "est un réseau" not in three and "CQCM" in three
    assert "30 000 $" in three and "250 000 $" in three and "24 janvier" in three and "25 février" in three
    assert "l'année n'est pas précisée" in three


def test_follow_ups_that_point_back_stay_on_the_record_in_context(kb):
    """dev7 gc12, gc16: « pis on dépose ça quand ? » after the volet 3 got what it offers; « qui les a
    accompagnés ? » after Culture Saguenay–Lac-Saint-Jean got its project again."""
    from actions import answers

    dated = answers.follow_up("pis on dépose ça quand?", "volet:volet_3", None)
    assert dated is not None and "24 janvier" in dated.text and "25 février" in dated.text
    who = answers.follow_up("qui les a accompagnés?", "case:case_culture_saguenay_lac_saint_jean", None)
    assert who is not None and "Consortium" in who.text


def test_which_ones_mostly_lists_the_table_by_share(kb):
    """dev7 g091: « Sur quels réseaux sociaux les entreprises sont-elles surtout présentes ? » got only
    the share present on none."""
    from actions import answers

    reply = answers.figures_answer(
        "Sur quels réseaux sociaux les entreprises d'économie sociale sont-elles surtout présentes?"
    )
    assert reply is not None and reply.text.startswith("• Entreprises présentes sur le réseau social Facebook : 76 %")


def test_chat_words_for_the_organisations_and_their_heads(kb):
    """dev7: « qu'ils » typed « quils », « orgs », « les boss s'intéressent tu » were unknown words."""
    from knowledge import retrieval

    tokens, unknown = retrieval.index().query_tokens("les boss sinteressent tu au numerique dans ces orgs quils ont")
    assert unknown == [] and "interess" in tokens and "direct" in tokens


def test_two_questions_announced_in_words_get_two_answers(kb):
    """dev7 g197: « Deux questions : jusqu'à combien peut aller l'aide du volet 3, et combien
    d'entreprises ont déjà contacté les partenaires ? »: « Deux questions » was a question, and the
    second was read as being about the volet 3."""
    from actions import answers

    parts = answers.split_questions(
        "Deux questions : jusqu'à combien peut aller l'aide du volet 3, et combien d'entreprises ont déjà "
        "contacté les partenaires du programme?"
    )
    assert parts[0].startswith("jusqu") and len(parts) == 2
    replies = answers.answers_for_parts(parts)
    assert replies is not None and "250 000 $" in replies[0].text and "143" in replies[1].text


def test_two_terms_compared_when_one_name_holds_the_others_words(kb):
    """dev7 g122: « entreprise d'économie sociale » vs « entreprise sociale »."""
    from actions import answers

    replies = answers.compared(
        "Quelle différence y a-t-il entre une entreprise d'économie sociale et une « entreprise sociale »?"
    )
    assert replies is not None and len(replies) == 2 and "lucratives" in replies[1].text


def test_what_digital_tools_do_for_something_is_the_map_of_digital_uses(kb):
    """dev7 g141, g145: « le numérique peut tu nous aider pour nos assemblées de membres pis la
    gouvernance » got an eligibility summary (a need is not who they are); « Comment le numérique
    peut-il nous aider à faire l'évaluation et la reddition de comptes ? » got the advice list."""
    from actions import answers
    from actions.screening import ActionNoteProfile

    msgs, _ = run(
        ActionNoteProfile(),
        tracker_for(
            "le numerique peut tu nous aider pour nos assemblees de membres pis la gouvernance",
            "inform",
            [ent("need", "gouvernance")],
        ),
    )
    assert "D'après ce que vous m'avez dit" not in texts(msgs) and "diffus" in texts(msgs)
    reply = answers.digital_use_answer(
        "Comment le numérique peut-il nous aider à faire l'évaluation et la reddition de comptes auprès de nos "
        "bailleurs de fonds?"
    )
    assert reply is not None and reply.text.startswith("Évaluation et reddition de comptes")
    assert answers.digital_use_answer("on est une coop, on peut tu avoir de l'aide ?") is None


def test_silences_asked_beside_a_name_or_an_adviser(kb):
    """dev7 g007, g210, g212: « Depuis quand Sercovie existe-t-il ? » got the programme's launch-year
    silence; « Combien de temps dure l'accompagnement avec un conseiller ? », read as a wish to talk
    to someone, got the contacts; « Qui est le conseiller de la CDRQ responsable de la Montérégie ? »
    got the CDRQ's people without saying the sources do not name the regional advisers."""
    from actions import answers
    from actions.contact import ActionRequestHuman

    assert answers.silence_or_person("Depuis quand Sercovie existe-t-il, et à qui s'adresse sa mission?") is None
    assert "dernières années" in answers.silence_or_person("depuis quand le programme existe").text
    reply = answers.silence_or_person("Qui est le conseiller de la CDRQ responsable de la Montérégie?")
    assert reply is not None and "ne donnent pas le nom des conseillers régionaux" in reply.text
    assert answers.silence_or_person("c'est qui martin noel").text.startswith("Martin Noël")
    msgs, _ = run(
        ActionRequestHuman(),
        tracker_for(
            "Combien de temps dure l'accompagnement en planification stratégique avec un conseiller?", "request_human"
        ),
    )
    assert "n'en donnent pas la durée" in texts(msgs)
    msgs, _ = run(ActionRequestHuman(), tracker_for("je veux parler a un conseiller", "request_human"))
    assert texts(msgs).startswith("Bien sûr.")


def test_who_helped_a_case_names_its_people(kb):
    """dev7 g074: « culture saguenay lac st jean qui les a accompagné dans leur plan numérique »."""
    from actions import answers

    reply = answers.with_passages(
        answers.Reply(
            "Culture Saguenay–Lac-Saint-Jean — le projet : …", None, ["case:case_culture_saguenay_lac_saint_jean"]
        ),
        "culture saguenay lac st jean qui les a accompagne dans leur plan numerique",
    )
    assert "Consortium" in reply.text


def test_a_term_named_in_full_and_asked_as_such_beats_the_figures(kb):
    """dev7 g156, g160: « les trois grandes familles de compétences numériques établies par le CEFRIO »
    got survey figures; « la clé 1 du cefrio c'est quoi l'idée » fell back (« l'idée » is filler)."""
    from actions import answers

    reply = answers.leading_fact(
        "Quelles sont les trois grandes familles de compétences numériques établies par le CEFRIO?"
    )
    assert reply is not None and "collaboratives" in reply.text and "cognitives" in reply.text
    assert answers.leading_fact("combien dentreprises ont des competences numeriques") is None
    reply = answers.any_answer("la cle 1 du cefrio cest quoi lidee")
    assert reply is not None and reply.text.startswith("Clé 1")


def test_follow_ups_on_a_survey_group_keep_the_group_or_the_list(kb):
    """dev7 gc14: after the leading technologies of firms under 5 employees, « pis celles de 20 employés
    et plus ? » got one figure, and « et elles prévoient investir dans quoi ? » fell back."""
    from actions import answers

    listed = answers.follow_up("pis celles de 20 employés et plus?", "statistic:usage_office_suite_size_lt5", None)
    assert listed is not None and listed.text.count("• ") >= 3 and "20 employés et plus" in listed.text
    plans = answers.follow_up(
        "Et elles prévoient investir dans quoi d'ici 12 mois?", "statistic:usage_office_suite_size_20plus", None
    )
    assert plans is not None and "logiciel comptable" in plans.text and "40 %" in plans.text
    # one figure asked, the same figure for another group
    one = answers.follow_up("pis dans le secteur loisirs?", "statistic:usage_social_media_total", None)
    assert one is not None and one.text.count("• ") <= 1 and "89 %" in one.text


def test_an_eligibility_verdict_defines_the_term_named_and_gives_each_reason(kb):
    """dev6 f054: « Une entreprise sociale privée à but lucratif, est-ce une entreprise d'économie
    sociale ? » did not say what an « entreprise sociale » is; f050: « un organisme sous le contrôle
    d'une municipalité » gave the legal form only, not the public control."""
    from actions import answers
    from actions.eligibility import ActionEligibilityAnswer

    term = answers.term_named_in_full(
        "Une entreprise sociale privée à but lucratif, est-ce une entreprise d'économie sociale ?", ""
    )
    assert term is not None and "lucratives" in term.text
    assert (
        answers.term_named_in_full("Une chambre de commerce, c'est un regroupement patronal. Peut-elle participer?", "")
        is None
    )
    msgs, _ = run(
        ActionEligibilityAnswer(),
        tracker_for(
            "Un organisme sous le contrôle d'une municipalité peut-il être une entreprise d'économie sociale ?",
            "ask_eligibility",
            [ent("legal_form", "organisme public")],
        ),
    )
    assert "contrôle décisionnel" in texts(msgs)


def test_a_term_asked_for_its_examples_glued_article_or_not(kb):
    """dev7 g126, g138: « Quelles finalités sociales … Donnez-moi des exemples » (now a term of its own,
    from the definition of the social economy) and « leconomie de partage cest quoi ca donne moi des
    exemples » (Bixi, Airbnb, Uber)."""
    from actions import answers

    reply = answers.leading_fact(
        "Quelles finalités sociales une entreprise d'économie sociale peut-elle poursuivre? Donnez-moi des exemples."
    )
    assert reply is not None and "services de proximité" in reply.text and "environnement" in reply.text
    reply = answers.leading_fact("leconomie de partage cest quoi ca donne moi des exemples")
    assert reply is not None and "Airbnb" in reply.text
    assert answers.leading_fact("donne moi des exemples de coops qui ont fait un ERP") is None


def test_a_silence_said_in_so_many_words_beats_the_record_it_names(kb):
    """dev7 g212: « Qui est le conseiller de la CDRQ responsable de la Montérégie ? » names the CDRQ,
    whose people came first; the silence's own phrase is longer than any name."""
    from actions import answers

    reply = answers.silence_said_in_full("Qui est le conseiller de la CDRQ responsable de la Montérégie?")
    assert reply is not None and reply.records == ["unknown:regional_advisor_names"]
    for text in (
        "D'après le lancement du programme, combien de revenus les entreprises d'économie sociale génèrent-elles ?",
        "Qui était ministre de l'Économie quand le rapport du CEFRIO est sorti?",
        "qui dirige la cdrq",
    ):
        assert answers.silence_said_in_full(text) is None, text
