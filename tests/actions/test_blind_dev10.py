"""Failures seen on the dev10 blind bank (3 December, afternoon), each a family that recurs."""

from __future__ import annotations

import pytest

from actions import answers
from tests.actions.helpers import run, texts, tracker_for


@pytest.mark.parametrize(
    "question,person",
    [
        ("chez la mauve cest qui qui a repondu au cefrio", "Marie Lacasse"),
        ("Qui représente L'Euguélienne dans l'étude de cas ?", "Longtin-Martel"),
        ("Qui a accordé l'entrevue pour le Grand Costumier ?", "Marie Houde"),
        ("cest qui qui a parle pour le journal ensemble", "Nathalie Deraspe"),
        ("Qui s'est exprimé au nom du Groupe TAQ ?", "Nathalie Arseneault"),
        ("Qui est la personne-ressource citée pour le projet Bwat de la SODER ?", "Charlotte Brut"),
        ("Quel organisme a accompagné Culture Saguenay–Lac-Saint-Jean dans sa démarche ?", "Consortium"),
    ],
)
def test_who_spoke_for_a_case_is_its_people(kb, question, person):
    """dev10 k173, k185–k195: who spoke for a case, represented it, gave the interview, was its
    contact, or accompanied it got the case's card or another facet."""
    reply = answers.named_facet(question)
    assert reply is not None and person in reply.text, question


def test_a_figure_of_a_named_case_is_not_the_sectors(kb):
    """dev10 k142: « quel est le chiffre d'affaires annuel de La Mauve ? » got the sector's size
    (« annuel » led to the sector's yearly revenue)."""
    reply = answers.named_facet("Quel est le chiffre d'affaires annuel de La Mauve ?")
    assert reply is not None and "900 000 $" in reply.text
    # the sector's revenue asked as such is still the sector's
    reply = answers.named_facet("quel est le chiffre d'affaires annuel de l'economie sociale au quebec")
    assert reply is None or "La Mauve" not in reply.text


def test_how_many_people_work_there_and_how_long_it_took(kb):
    """dev10 k133, k113: « ça fait combien de monde qui travaille là » (the staff), « ça leur a pris
    combien de temps avant que tout le monde soit à l'aise avec les tablettes » (six months)."""
    reply = answers.named_facet("le groupe taq ca fait combien de monde qui travaille la")
    assert reply is not None and "260" in reply.text
    reply = answers.named_facet(
        "la csad hcn ca leur a pris combien de temps avant que tout le monde soit a laise avec les tablettes"
    )
    assert reply is not None and "6 mois" in reply.text
    # time saved is a result, not how long it took
    reply = answers.named_facet("la coop d'aide a domicile de la haute cote nord a sauve combien de temps")
    assert reply is not None and "moins d'une heure" in reply.text


def test_who_funds_the_programme_whatever_else_the_question_says(kb):
    """dev10 k002, k004, k080: « qui finance ce programme… destiné aux coops et aux OBNL » got the
    programme's card, « par l'entremise de quelle mesure gouvernementale… rendu possible » fell back;
    « le rapport du CEFRIO, c'est qui qui l'a payé » got the programme's funder."""
    from actions import programme

    for text in (
        "Qui finance ce programme de transformation numérique destiné aux coops et aux OBNL ?",
        "Par l'entremise de quelle mesure gouvernementale ce programme a-t-il été rendu possible ?",
    ):
        reply = answers.funder_asked(text)
        assert reply is not None and "(MEI)" in reply.text and "(OTN)" in reply.text, text
    assert answers.funder_asked("qui finance la soder") is None
    msgs, _ = run(programme.ActionFunder(), tracker_for("le rapport du cefrio cest qui qui la paye", "ask_funder"))
    said = texts(msgs)
    assert "ministère de l'Économie, de la Science et de l'Innovation" in said and "(OTN)" not in said


def test_principles_of_the_law_asked_as_a_figure_question(kb):
    """dev10 k047: « quels sont les principes qu'une entreprise d'économie sociale doit respecter
    selon la Loi » read as a statistic got the sector's size."""
    from actions import figures

    msgs, _ = run(
        figures.ActionStatistic(),
        tracker_for(
            "Quels sont les principes qu'une entreprise d'économie sociale doit respecter selon la Loi sur l'économie sociale ?",
            "ask_statistic",
        ),
    )
    said = texts(msgs)
    assert "gouvernance démocratique" in said and "220 000" not in said
    msgs, _ = run(
        figures.ActionStatistic(), tracker_for("l'economie sociale au quebec c'est gros comment", "ask_statistic")
    )
    assert "220 000" in texts(msgs)


def test_which_cases_did_something_lists_them(kb):
    """dev9 j246, j248, dev10 k301: « quels cas ont connu un premier échec », « quelles entreprises
    présentées ont implanté un ERP » got examples unrelated to the question."""
    reply = answers.cases_listed(
        "Quelles entreprises présentées dans le rapport ont implanté un progiciel de gestion intégré (ERP) ?"
    )
    assert reply is not None and "Défi Polyteck" in reply.text and "Groupe TAQ" in reply.text
    reply = answers.cases_listed("quels cas ont fait du sociofinancement")
    assert reply is not None and "L'Euguélienne" in reply.text and "La Remise" in reply.text
    reply = answers.cases_listed("Quels cas du rapport ont connu un premier échec avant de réussir leur projet ?")
    assert reply is not None and "Sercovie" in reply.text
    # not a question across the cases, or about one case named
    assert answers.cases_listed("quelles entreprises utilisent le plus les medias sociaux") is None
    assert answers.cases_listed("quels cas ressemblent a la mauve") is None


def test_they_after_a_case_are_the_case_not_the_survey(kb):
    """dev10 kc02: « Quel logiciel utilisent-ils ? » right after La Remise got the survey's
    software figures; every later follow-up then lost the case."""
    reply = answers.follow_up("Quel logiciel utilisent-ils ?", "case:case_06_la_remise", None)
    assert reply is not None and reply.text.startswith("La Remise")


def test_someone_in_it_in_house_is_the_it_group(kb):
    """dev10 kc05: « pis ceux qui ont quelqu'un en TI à l'interne ? » after the share with a digital
    plan got the share with an IT resource instead of that group's share with a plan (23 %)."""
    assert answers.survey_group("pis ceux qui ont quelquun en ti a linterne?") == {
        "dimension": "it_resource",
        "value": "with",
    }
    reply = answers.follow_up(
        "pis ceux qui ont quelquun en ti a linterne?", "statistic:perception_has_digital_plan_total", None
    )
    assert reply is not None and "23 %" in reply.text


def test_a_count_asked_is_the_survey_figure_not_a_definition(kb):
    """dev10 kc05: « combien d'orgs avaient un plan numérique » got the definition of the strategic
    plan (volet 2)."""
    reply = answers.figures_answer("dans le sondage du cefrio, combien dorgs avaient un plan numerique")
    assert reply is not None and "17 %" in reply.text


def test_a_public_body_with_no_say_is_no_public_control():
    """dev10 kc08, kc16, k048: « elle n'a aucun siège au conseil ; les décisions sont prises par notre
    CA » was asked again; « le CIUSSS a rien à voir dans nos décisions » turned the co-op into a public
    body."""
    from common.profile import extract_profile, read_answer

    for text in (
        "La Ville nous verse une subvention et nous loue le bâtiment, mais elle n'a aucun siège au conseil ; "
        "les décisions sont prises par notre CA.",
        "non, le CIUSSS a rien a voir dans nos decisions",
        "la ville nous subventionne mais a siege pas au ca",
    ):
        assert read_answer(text, "public_control") is False, text
    assert read_answer("oui, la ville controle nos decisions", "public_control") is True
    found = extract_profile(
        {
            "text": "non, le CIUSSS a rien a voir dans nos decisions",
            "entities": [{"entity": "legal_form", "value": "CIUSSS", "start": 8, "end": 14}],
        },
        requested="public_control",
    )
    assert found == {"public_control": False}


def test_the_volets_asked_of_the_programme_are_listed(kb):
    """dev10 kc01: « salut c'est quoi les volets du programme » read as the programme got its card
    without the volets."""
    from actions import programme

    msgs, _ = run(
        programme.ActionProgramme(),
        tracker_for("salut cest quoi les volets du programme de transfo numerique", "ask_programme"),
    )
    said = texts(msgs)
    assert said.startswith("Le programme a trois volets") and "planification stratégique" in said


def test_can_we_have_it_without_the_apostrophe_asks_about_us():
    """dev10 kc01: « on peut tu l'avoir ? » typed « lavoir » was not a question about us."""
    from actions.screening import asks_about_us

    assert asks_about_us("pis nous autres on peut tu lavoir? on est une coop de 8 employés")
    # whether something is one of the criteria is not whether we qualify
    assert not asks_about_us(
        "si on ferme la coop un jour on fait quoi avec ce qui reste? ca fait tu partie des criteres"
    )


def test_the_dates_of_a_volet_named_by_what_it_does(kb):
    """dev2 e046 (a regression seen on the way): « les prochaines dates de dépôt pour le volet d'aide
    financière » names volet 3 by what it does; its dates, not how to start."""
    reply = answers.named_facet(
        "Quelles sont les prochaines dates de dépôt de projets pour le volet d'aide financière ?"
    )
    assert reply is not None and "24 janvier" in reply.text and "25 février" in reply.text


def test_a_partner_named_as_the_source_does_not_take_the_question(kb):
    """dev7 g154 (a regression seen on the way): « les six clés du CEFRIO » are the keys, not the
    CEFRIO's people; the CEFRIO is where they come from."""
    from actions.kb import retrieval_first

    replies = retrieval_first(
        "Quelles sont les six clés du CEFRIO pour réussir un projet numérique?", tracker_for("x", "ask_advice")
    )
    assert not any("Jacqueline Dubé" in r.text for r in replies)


def test_an_average_asked_and_a_range_given_is_admitted():
    """dev10 k059: « le volet 3, en moyenne les projets ont eu combien chaque ? » got the range
    (30 000 $ to 250 000 $) as if it answered; the sources give no average."""
    said = "Volet 3 — montant : de 30 000 $ à 250 000 $ ; fourchette de l'aide versée lors de la première période"
    extra = answers.admission("le volet 3 en moyenne les projets ont eu combien chaque", said)
    assert extra is not None and extra.startswith("Nos sources ne donnent pas de moyenne")
    assert (
        answers.admission("la soder investit combien en moyenne", "budget numérique : en moyenne 170 000 $ par an")
        is None
    )


def test_whether_volet_2_is_subsidised_is_its_amount(kb):
    """dev10 k056: « l'accompagnement à la planification stratégique est-il subventionné ? » got the
    volet's description, not the subsidy its amount facet speaks of."""
    reply = answers.named_facet(
        "L'accompagnement à la planification stratégique en transition numérique est-il subventionné ?"
    )
    assert reply is not None and "subvention" in reply.text


def test_the_kinds_of_projects_supported_under_volet_3(kb):
    """dev10 kc04: « quels types de projets ont été soutenus jusqu'ici ? » got the uptake without what
    the projects were about (the same paragraph of the programme's review says it)."""
    from knowledge import lookup

    uptake = next(f for f in lookup.facts("uptake") if f["id"] == "uptake_volet3_projects")
    assert "cybersécurité" in uptake["text"] and "modèle d'affaires" in uptake["text"]


def test_counts_a_named_record_gives(kb):
    """dev10 k296, k169: « combien d'EÉSAD au Québec pis ça sert combien d'usagers » got the sector's
    size; « combien d'études de cas le rapport du CEFRIO présente-t-il ? » got « pas d'exemple »."""
    reply = answers.figures_answer("combien deesad au quebec pis ca sert combien dusagers")
    assert reply is not None and "100 EÉSAD" in reply.text and "100 000 usagers" in reply.text
    reply = answers.named_facet("Combien d'études de cas le rapport du CEFRIO présente-t-il ?")
    assert reply is not None and "13 études de cas" in reply.text


def test_what_a_named_partner_is(kb):
    """dev10 k074: « la cdrq c'est quoi au juste, y font quoi » got a piece of advice that mentions
    the CDRQ."""
    reply = answers.named_facet("la cdrq cest quoi au juste, yfont quoi")
    assert reply is not None and reply.text.startswith("Coopérative de développement régional du Québec (CDRQ)")


def test_an_answer_given_with_a_side_question_is_kept(kb):
    """dev9 jc08: « CA élu par nos membres à l'AGA. Au fait, les webinaires du volet 1, ils sont où ? »
    during the screening: the side question was answered and the form paused, but the answer to the
    governance question was lost, and asked again at every resumption."""
    from actions import programme

    tracker = tracker_for(
        "CA élu par nos membres à l'AGA. Au fait, les webinaires du volet 1, ils sont où ?",
        "ask_volets",
        slots={"requested_slot": "democratic_governance", "legal_form": "nonprofit"},
        active_loop="screening_form",
    )
    msgs, events = run(programme.ActionVolets(), tracker)
    assert {"event": "slot", "timestamp": None, "name": "democratic_governance", "value": True} in events
    said = texts(msgs)
    assert "Volet 1" in said and "Noté : gouvernance démocratique" in said
    # a question alone, during the screening, sets nothing
    tracker = tracker_for(
        "les webinaires du volet 1, ils sont où ?",
        "ask_volets",
        slots={"requested_slot": "democratic_governance"},
        active_loop="screening_form",
    )
    _, events = run(programme.ActionVolets(), tracker)
    assert not [e for e in events if e.get("name") == "democratic_governance"]


def test_does_this_block_us_gets_what_it_passes(kb):
    """dev10 k048: « la ville nous subventionne mais siège pas au CA, ça nous bloque tu ? » was not
    read as a question about us; it gets the verdict per volet and what the fact stated passes."""
    from actions import screening

    text = "on a une piscine pis des cours, la ville nous subventionne mais a siege pas au ca. ca nous bloque tu"
    assert screening.asks_about_us(text)
    msgs, events = run(screening.ActionNoteProfile(), tracker_for(text, "inform"))
    said = texts(msgs)
    assert "Volet 1" in said and "pas sous le contrôle décisionnel d'organismes publics" in said
    assert {"event": "slot", "timestamp": None, "name": "public_control", "value": False} in events


def test_who_to_talk_to_is_a_question():
    """dev10 k093: « on est une fédération, on parle à qui pour déposer un projet structurant » was
    noted (« Noté : réseau ») and not answered."""
    assert answers.looks_like_question("on est une federation, on parle a qui pour deposer un projet structurant")
    assert answers.looks_like_question("on s'adresse a qui pour ca")
    assert not answers.looks_like_question("on est une federation de cooperatives a quebec")


def test_two_technologies_or_two_groups_asked_get_both_figures(kb):
    """dev10 k235, k229, k230: « une suite bureautique et un logiciel comptable » got one figure;
    « selon le chiffre d'affaires (plus ou moins de 100 000 $) » one group; « les CRM pis ERP ça
    l'utilise tu beaucoup dans l'éco sociale » was noted as a need."""
    reply = answers.figures_answer(
        "Quelle proportion des entreprises sondées utilise une suite bureautique et un logiciel comptable ?"
    )
    assert reply is not None and "94 %" in reply.text and "76 %" in reply.text
    reply = answers.figures_answer(
        "Selon le chiffre d'affaires (plus ou moins de 100 000 $), quelle proportion des entreprises a une ressource TI à l'interne ?"
    )
    assert reply is not None and "24 %" in reply.text and "15 %" in reply.text
    text = "les crm pis erp ca lutilise tu beaucoup dans leco sociale"
    assert answers.looks_like_question(text)
    reply = answers.figures_answer(text)
    assert reply is not None and "14 %" in reply.text and "8 %" in reply.text


def test_the_number_one_concern(kb):
    """dev10 k212: « c quoi la préoccupation d'affaires numéro 1 » got three concerns in no order."""
    reply = answers.figures_answer("c quoi la preoccupation daffaires numero 1 des entreprises dans le sondage")
    assert reply is not None and reply.text.startswith("• Répondants préoccupés par l'amélioration de la qualité")


def test_coops_versus_obnl_in_the_2017_report_are_the_sector_figures(kb):
    """dev10 k290: « dans le rapport de 2017 y avait combien de coops versus d'OBNL » got the two
    terms compared and « Nos sources ne donnent pas ce chiffre »."""
    from actions.kb import retrieval_first

    text = "dans le rapport de 2017 yavait combien de coops versus dobnl"
    replies = retrieval_first(text, tracker_for(text, "ask_definition"))
    said = "\n".join(r.text for r in replies)
    assert "3 300" in said and "3 700" in said
    assert answers.admission(text, said) is None
    # a case named is the case's count, not the sector's
    assert answers.sector_figures_asked("le rapport du cefrio parle de combien d employes chez taq") == []


def test_regressions_seen_on_the_way(kb):
    """dev7 g160, dev8 h069, dev4 fc06, seen on the read banks while this session's changes landed:
    « la clé 1 du CEFRIO » is the key, not the CEFRIO; a survey figure counted by size is not a record's
    profile; « votre programme est-il ouvert aux coops hors Québec ? » asks about us."""
    from actions.screening import asks_about_us

    assert answers.named_facet("la cle 1 du cefrio cest quoi lidee") is None
    reply = answers.figures_answer("la cle 1 du cefrio cest quoi lidee")
    assert reply is None or "CEFRIO (CEFRIO)" not in reply.text
    assert answers.named_facet("dans lenquete ya quel pourcentage des entreprises qui ont moins de 5 employes") is None
    assert asks_about_us("nous sommes une coop a Ottawa. Votre programme est-il ouvert aux coops hors Quebec?")


def test_an_it_expert_by_revenue_compares_the_revenue_groups(kb):
    """dev9 j156: « ya tu une différence selon le chiffre d'affaires pour avoir un expert TI à
    l'interne » got skills figures (« expert-novice »)."""
    reply = answers.figures_answer("ya tu une difference selon le chiffre daffaires pour avoir un expert ti a linterne")
    assert reply is not None and "24 %" in reply.text and "15 %" in reply.text


def test_a_term_named_keeps_its_own_figures(kb):
    """dev2 e097 (a regression seen on the way): « combien d'EÉSAD y a-t-il au Québec et combien de
    personnes emploient-elles ? » is about the EÉSAD, not the sector's jobs."""
    text = "Combien d'EÉSAD y a-t-il au Québec et combien de personnes emploient-elles ?"
    assert answers.sector_figures_asked(text) == []
    reply = answers.figures_answer(text)
    assert reply is not None and "7 800" in reply.text


def test_counts_as_is_not_a_count(kb):
    """dev10 k033 (a regression seen on the way): « une mutuelle d'assurance ça compte tu comme
    entreprise collective ? » got the number of mutuals the CQCM represents."""
    from actions.kb import retrieval_first

    text = "une mutuelle dassurance ca compte tu comme entreprise collective pour vous autres"
    replies = retrieval_first(text, tracker_for(text, "ask_eligibility"))
    assert not any("Nombre de mutuelles" in r.text for r in replies)


def test_a_guy_in_it_is_the_it_group(kb):
    """dev8 h087: « les orgs qui ont un gars des TI à l'interne ont tu plus de sites adaptés au cell »
    got the share of all respondents (30 %), not the IT groups compared (45 % vs 26 %)."""
    reply = answers.figures_answer("les orgs qui ont un gars des ti a linterne ont tu plus de sites adaptes au cell")
    assert reply is not None and "45 %" in reply.text and "26 %" in reply.text


def test_a_partners_role_asked_in_general_says_what_it_does(kb):
    """dev8 h163: « quel est le rôle des pôles régionaux d'économie sociale ? » got only their part in
    the programme (« partenaires du lancement »), not what they do (promotion, concertation)."""
    reply = answers.named_facet("Quel est le rôle des pôles régionaux d'économie sociale ?")
    assert reply is not None and "concertation" in reply.text and "rôle dans le programme" in reply.text
    reply = answers.named_facet("que fait le CQCM dans le programme")
    assert reply is not None and not reply.text.startswith(
        "Conseil québécois de la coopération et de la mutualité (CQCM) :"
    )


def test_the_in_house_it_share_is_not_another_figure_of_that_group(kb):
    """dev10 k199, dev3 f024: « quelle proportion des entreprises sondées dispose d'une
    personne-ressource en TI à l'interne ? » got the share of those firms with a digital plan (23 %)."""
    for text in (
        "Quelle proportion des entreprises sondées dispose d'une personne-ressource en TI à l'interne ?",
        "Quelle proportion des entreprises sondées disposent d'une personne-ressource en TI à l'interne ?",
    ):
        reply = answers.figures_answer(text)
        assert reply is not None and "21 %" in reply.text.split("\n")[0], text
    reply = answers.figures_answer("pis celles avec une personne ressource ti, combien ont un plan numerique")
    assert reply is not None and "23 %" in reply.text


def test_the_cefrio_named_as_who_counted_keeps_the_sectors_figures(kb):
    """dev7 g108, dev8 h098, dev5 f035 (regressions seen on the way): « en 2017, combien d'entreprises
    d'économie sociale le CEFRIO dénombrait-il au Québec ? » is the sector's count, the CEFRIO being who
    counted; PME 2.0 named is its own count."""
    assert answers.sector_figures_asked(
        "En 2017, combien d entreprises d économie sociale le CEFRIO dénombrait-il au Québec?"
    )
    assert (
        answers.sector_figures_asked(
            "Selon la conclusion du rapport, combien d entreprises collectives le projet PME 2.0 accompagne-t-il"
        )
        == []
    )


def test_a_partner_named_beats_the_survey_words_it_shares(kb):
    """dev10 k197 (a regression seen on the way, once plural verbs were indexed by their root):
    « combien d'employés compte la CDRQ ? » matched « les répondants qui comptent… employés »; the
    CDRQ is what is asked about. « le CEFRIO dit-il… » names the CEFRIO as the source."""
    reply = answers.figures_answer("Combien d'employés compte la CDRQ ?")
    assert reply is not None and reply.text.startswith("Coopérative de développement régional du Québec")
    reply = answers.figures_answer("le cefrio dit tu quon investit assez en numerique")
    assert reply is None or not reply.text.startswith("CEFRIO (CEFRIO)")


def test_a_split_of_the_sector_asked_without_combien(kb):
    """dev d062 (a regression seen on the way): « comment se répartissaient les 7 000 entreprises entre
    coops et OBNL ? » asks a count without « combien »."""
    from actions.kb import retrieval_first

    text = "Dans le portrait de 2017, comment se répartissaient les 7 000 entreprises entre coops et OBNL ?"
    replies = retrieval_first(text, tracker_for(text, "ask_eligibility"))
    said = "\n".join(r.text for r in replies)
    assert "3 300" in said and "3 700" in said


def test_enterprises_asked_with_words_between(kb):
    """dev6 f045: « combien y avait-il d'entreprises d'économie sociale et d'emplois ? » got the jobs
    only: « combien » and « entreprises » had words between them."""
    asked = answers.sector_figures_asked(
        "Selon le rapport du CEFRIO de 2017, combien y avait-il d'entreprises d'économie sociale et d'emplois ?"
    )
    assert {f["indicator"] for f in asked} == {"enterprises", "jobs"}
    assert {
        f["indicator"]
        for f in answers.sector_figures_asked("combien de membres dans les entreprises d economie sociale au quebec")
    } == {"members"}


def test_a_question_read_as_goodbye_is_answered(kb):
    """dev10 k218: « pis combien veulent se lancer dans l'economie de partage plus tard » was read
    as a goodbye (« plus tard ») and got « Au revoir ». A question the NLU took for a leave-taking
    is answered; a real goodbye still gets the goodbye."""
    from actions import fallback

    msgs, _ = run(
        fallback.ActionGoodbye(),
        tracker_for("pis combien veulent se lancer dans leconomie de partage plus tard", "goodbye"),
    )
    assert "12 %" in texts(msgs)
    for farewell in ("bonne journee bye", "a plus tard!", "merci, on se reparle plus tard"):
        msgs, _ = run(fallback.ActionGoodbye(), tracker_for(farewell, "goodbye"))
        assert [m.get("response") for m in msgs] == ["utter_goodbye"], farewell
