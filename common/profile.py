"""From one parsed user message (intent + entities + text) to screening profile answers.

The NLU model finds the entities; knowledge.vocabulary maps their text to ids. Used by the
screening form, the facts noted outside it, the one-line eligibility answers and the advisors'
pre-screening alike, so a sentence like "on est une coop de travail à Saguenay" fills several
slots wherever it is read.

Beside the entities, the text itself answers the question being asked, the way people type it
(no accents, Québec French, extra words):

* a button's own label typed out ("Mutuelle", "Non, une seule entreprise"), or a vocabulary word
  of one of the question's options ("une coop", "syndicat") — `read_answer`, `option_typed`;
* a leading or lone oui / ouais / yes / non / pas vraiment… ("oui comme je disais, des repas") —
  `yes_no`;
* words that state the fact asked about ("on fait des ristournes", "un membre un vote, CA élu",
  "on est autonomes"), negation included ("la ville nous contrôle pas", "pas une fédération") —
  `read_answer` with the cue phrases of `_CUES`; those of a few questions are read in any message
  (`INCIDENTAL_FIELDS`: "on vend du pain, les membres élisent le CA"), so they are not asked again.

A negated entity is not a fact ("pas une fédération": is_network is False); an option named only
negated ("on est un OBNL, pas un regroupement patronal") is reported by `negated_options`.

A correction ("en fait", "finalement", "plutôt", "je me suis trompé") and a hypothesis ("et si on
devenait une coop ?") are recognised by `is_correction` / `is_hypothetical`; what to do with them
is the caller's business. `describe` / `describe_profile` say answers back in a few words.

Everything here is a plain function of its arguments and of the knowledge base (no Rasa).
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from common.slots import CONTEXT_SLOTS
from knowledge import eligibility, vocabulary
from knowledge.text import fold, phrase_pattern

# The screening questions' fields, in the order of knowledge/sources/eligibility.yml (one slot each,
# named after the field): answered by oui/non, or by one of the question's options.
BOOLEAN_FIELDS = eligibility.screening_fields("boolean")
CHOICE_FIELDS = eligibility.screening_fields("choice")
PROFILE_SLOTS = CHOICE_FIELDS + BOOLEAN_FIELDS

_WORD_NUMBERS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "cent": 100,
    "douzaine": 12,
    "dizaine": 10,
    "vingtaine": 20,
    "quinzaine": 15,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "centaine": 100,
}


def parse_employees(text: Any) -> Optional[int]:
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text) if 0 <= text < 1_000_000 else None
    s = str(text).lower()
    m = re.search(r"\d[\d\s]*", s)
    if m:
        value = int(m.group(0).replace(" ", ""))
        return value if value < 1_000_000 else None
    # The largest number word: "une douzaine" is 12, not the article's 1; "cinq ou six" is 6.
    found = [value for word, value in _WORD_NUMBERS.items() if re.search(rf"\b{word}\b", s)]
    return max(found) if found else None


# -- oui / non ------------------------------------------------------------------------------------
# Folded words and phrases that answer a yes/no question when they open the message, end it or make
# up all of it. "pas" alone opens too many statements ("pas de ristourne…") to be one: only the
# phrases below. "aucun" likewise ("aucune idée" is "je ne sais pas").
_YES = (
    "oui",
    "ouais",
    "ouaip",
    "ouin",
    "oue",
    "ui",
    "yes",
    "yep",
    "yup",
    "yeah",
    "certainement",
    "absolument",
    "exact",
    "exactement",
    "effectivement",
    "evidemment",
    "bien sur",
    "tout a fait",
    "en effet",
    "c est ca",
    "affirmatif",
    "of course",
    "sure",
    "correct",
)
_NO = (
    "non",
    "nan",
    "nope",
    "no",
    "pantoute",
    "aucunement",
    "negatif",
    "pas vraiment",
    "pas du tout",
    "pas pantoute",
    "pas necessairement",
    "pas tant",
    "pas encore",
    "pas que je sache",
    "jamais",
)
# Words said before the answer: "ben oui", "euh non", "ok oui".
_FILLERS = {
    "ben",
    "bin",
    "bah",
    "beh",
    "euh",
    "heu",
    "hmm",
    "hum",
    "eh",
    "ah",
    "oh",
    "ok",
    "okay",
    "alors",
    "mais",
    "bon",
    "bien",
    "ouf",
    "pis",
    "faque",
    "donc",
    "bref",
    "enfin",
    "finalement",
    "ecoute",
    "ecoutez",
    "voyons",
    "comme",
    "je",
    "dirais",
    "dis",
    "disais",
}
# Words a typed option is wrapped in: "on est une coop", "c'est un OBNL", "plutôt une mutuelle".
_WRAPPERS = _FILLERS | {
    "c",
    "est",
    "c est",
    "cest",
    "on",
    "nous",
    "sommes",
    "suis",
    "chu",
    "chus",
    "jsuis",
    "un",
    "une",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "de",
    "notre",
    "nos",
    "ma",
    "mon",
    "organisation",
    "ca",
    "plutot",
    "en",
    "fait",
    "finalement",
    "svp",
    "merci",
    "stp",
    "petite",
    "petit",
}
# Phrases that negate what follows them within a few words ("pas une fédération", "aucun élu
# municipal sur notre CA") or what they follow ("la ville nous contrôle pas"). "non" is not one:
# it answers, it does not negate a word ("non, on est autonomes").
_NEGATORS_BEFORE = {"pas", "ni", "aucun", "aucune", "jamais", "sans", "pantoute", "aucunement", "rien"}
_NEGATORS_AFTER = {"pas", "jamais", "pantoute", "aucunement", "point", "rien", "aucun", "aucune"}  # "on vend rien"
# "pas mal" is "quite", "pas juste / seulement / que" is "not only": no negation.
_NOT_NEGATING_AFTER_PAS = {"mal", "juste", "seulement", "uniquement", "que", "qu"}
# Words a negation's reach does not count.
_LIGHT_WORDS = {"un", "une", "des", "de", "d", "du", "le", "la", "les", "l", "au", "aux", "en"}
_NEGATION_WINDOW = 4  # words before a phrase that may negate it ("aucun organisme public nous contrôle")


def _tokens(folded: str) -> List[str]:
    return folded.split()


def _starts_with(tokens: Sequence[str], phrase: str) -> bool:
    words = phrase.split()
    return list(tokens[: len(words)]) == words


def _strip_fillers(tokens: Sequence[str], fillers=frozenset(_FILLERS)) -> List[str]:
    out = list(tokens)
    while out and out[0] in fillers:
        out = out[1:]
    return out


_DONT_KNOW = re.compile(
    r"\b(?:aucune idee|aucune espece d idee|sais pas|sais plus|sait pas|sais pu|pas sur|pas certain\w*|"
    r"j ignore|je l ignore|no idea|dont know|don t know|idk|jsp|chais pas|ch sais pas|sais po|aucune maudite idee)\b"
)


def says_dont_know(text: str) -> bool:
    """ "je sais pas s'il est élu", "aucune idée", "pas sûr": the visitor does not know the answer."""
    return bool(_DONT_KNOW.search(fold(text or "")))


def yes_no(text: str) -> Optional[bool]:
    """A leading, trailing or lone oui/non: "oui comme je disais, des repas" → True, "non on est
    autonomes" → False, "comme je disais, oui" → True, "ben non" → False. None when there is none,
    or both ("oui… non")."""
    folded = fold(text)
    if _DONT_KNOW.search(folded):
        return None
    raw = _tokens(folded)
    tokens = _strip_fillers(raw)
    if not tokens:
        return None
    found = set()
    if raw[:2] == ["bien", "sur"]:  # "bien" is a filler, "bien sûr" a yes
        tokens = raw
    for value, phrases in ((True, _YES), (False, _NO)):
        for phrase in phrases:
            if _starts_with(tokens, phrase):
                # "non lucratif" / "non-profit" name a legal form, they do not answer
                rest = tokens[len(phrase.split()) :]
                if phrase == "non" and rest[:1] in (["lucratif"], ["profit"]):
                    continue
                found.add(value)
            elif len(phrase.split()) == 1 and tokens[-1] == phrase and len(tokens) > 1 and tokens[-2] != "but":
                found.add(value)
    if tokens[0] in ("aucun", "aucune", "rien") and (len(tokens) == 1 or tokens[1:] == ["pantoute"]):
        found.add(False)  # not "aucune idée": that one is "je ne sais pas"
    return found.pop() if len(found) == 1 else None


# -- negation ------------------------------------------------------------------------------------


_TAKEN_BACK = re.compile(
    r"\b(?:j'?\s?ai|j’ai) (?:dit|ecrit|écrit|mis|répondu|repondu)\b[^.!?]*?(?:mais|pis|et|,|;)\s*"
    r"(?:je|j'?|j’)\s?(?:me suis|m'suis|me sus|m’suis) tromp\w*",
    re.IGNORECASE,
)


class Said:
    """A message folded for matching (`folded`), and its words with the clause breaks the folding
    drops (commas, periods…): a negation reaches to the end of its clause, not beyond ("pas une
    coop, un OBNL": the OBNL is not negated)."""

    _BREAK = "qqbreakqq"
    # what ends a negation's reach: a clause break, or "mais" / "plutôt" ("pas une coop mais un OBNL":
    # the OBNL is said)
    _BREAKS = frozenset({_BREAK, "mais", "plutot"})

    def __init__(self, text: str):
        self.text = "" if not text or str(text).startswith("/") else str(text)
        # "j'ai dit tantôt que la ville nommait notre CA, mais je me suis trompée : …": what was said
        # before and is taken back is not a fact any more; what follows is
        self.text = _TAKEN_BACK.sub(" ", self.text)
        self.folded = fold(self.text)
        marked = re.sub(r"[,;.!?:()«»\"]+|\s[-–—]+\s", f" {self._BREAK} ", self.text)
        self.words = fold(marked).split()
        # word index in `folded` → its position in `words`
        self._pos = [i for i, w in enumerate(self.words) if w != self._BREAK]

    def _clause(self, position: int, step: int, limit: int) -> List[str]:
        """Up to `limit` words before (step -1) or after (step 1) a position, within its clause;
        a "pas" that does not negate ("pas mal autonomes", "pas juste nos membres") is left out."""
        out, j, counted = [], position + step, 0
        while 0 <= j < len(self.words) and self.words[j] not in self._BREAKS and counted < limit:
            nxt = self.words[j + 1] if j + 1 < len(self.words) else ""
            out.append("" if self.words[j] == "pas" and nxt in _NOT_NEGATING_AFTER_PAS else self.words[j])
            # articles and prepositions do not count: "pas des patrons au sens d'un regroupement
            # patronal" negates the phrase four words of meaning away
            counted += self.words[j] not in _LIGHT_WORDS
            j += step
        return out

    def negated(self, start: int, end: int, after: bool = False) -> bool:
        """Whether the phrase at folded[start:end] is negated: "pas une fédération", "on n'est pas
        une coop", "ni un syndicat", "aucun élu municipal"; with `after`, also a negation that
        follows it ("la ville nous contrôle pas"), for verbs."""
        first, last = len(self.folded[:start].split()), len(self.folded[:end].split()) - 1
        if not self._pos or first >= len(self._pos):
            return False
        if any(t in _NEGATORS_BEFORE for t in self._clause(self._pos[first], -1, _NEGATION_WINDOW)):
            return True
        return after and any(t in _NEGATORS_AFTER for t in self._clause(self._pos[max(last, first)], 1, 2))


def is_negated(text: str, phrase: str) -> bool:
    """Whether `phrase` is said negated in `text` ("pas une fédération" → True for "fédération")."""
    said = Said(text)
    m = phrase_pattern(fold(phrase)).search(said.folded)
    return bool(m) and said.negated(m.start(), m.end())


# "membre d'une fédération", "on fait partie d'un réseau": the organisation belongs to a network,
# it is not one (and a member of a federation is usually a single enterprise, but not always).
_MEMBERSHIP = re.compile(
    r"(?:membres?|partie|affilie\w*|adhere\w*|adherent\w*)\s+(?:d|de|du|des|a|au|aux)\s*(?:un|une|la|le|l|notre|nos)?\s*$"
)


def _membership(folded: str, start: int) -> bool:
    return bool(_MEMBERSHIP.search(folded[:start]))


# -- what the text says about one field ------------------------------------------------------------
# Cue phrases per boolean field: (pattern on folded text, the value it states, whether a negation
# around it flips that value). Patterns with their own negation ("pas distribués") do not flip.
# A ristourne is the very example of a limited distribution the question gives, so "on fait des
# ristournes" and "pas de ristourne, tout est réinvesti" both say the distribution is limited.
_Cue = Tuple["re.Pattern[str]", bool, bool]


def _cues(*rows: Tuple[str, bool, bool]) -> List[_Cue]:
    return [(re.compile(p), v, flips) for p, v, flips in rows]


# Places outside Québec: the answer "no" to "établie au Québec ?", and read in passing too.
_OUTSIDE_QUEBEC = (
    r"\b(?:ontario|nouveau brunswick|manitoba|alberta|saskatchewan|colombie britannique|nouvelle ecosse|"
    r"france|belgique|suisse|etats unis|usa|hors (?:du )?quebec|ailleurs au canada|"
    r"ottawa|toronto|moncton|winnipeg|vancouver|calgary|edmonton|halifax|sudbury|cornwall|"
    r"edmundston|fredericton|bathurst|campbellton|(?:au|du|en) nb|"
    r"(?:a l exterieur|en dehors) du quebec)\b"
)
# "on est une coop … à Québec", "nous sommes situés au Québec": the visitor's own place, not "les
# coops au Québec" in a question about the sector.
_HERE_IN_QUEBEC = re.compile(
    r"\b(?:on est|on es|nous sommes|situee?s?|basee?s?|etablie?s?|installee?s?|localisee?s?)\b[^.?!]{0,50}?"
    r"\b((?:a|au|en) quebec)\b"
)
_PROFIT = r"(?:surplus|profits?|excedents?|benefices?|trop percus?)"
_DISTRIBUTE = r"(?:distribu\w*|redistribu\w*|partage\w*|verse\w*|remis\w*)"
_CUES: Dict[str, List[_Cue]] = {
    "market_activities": _cues(
        (r"\b(?:re)?vend(?:s|ons|ez|ent|u|us|ue|ues|re|ait|aient)?\b|\bventes?\b", True, True),
        (r"\b(?:loue|louons|louent|louer|location|locations|loyers?)\b", True, True),
        (
            r"\b(?:billets?|billetterie|abonnements?|tarifs?|frais|payants?|payantes?|factur\w*|contrats? de service)\b",
            True,
            True,
        ),
        (r"\b(?:repas|cafe|sandwichs?|produits|revenus autonomes|chiffre d affaires)\b", True, True),
        (
            r"\b(?:que|juste|seulement|uniquement|surtout|entierement) (?:des |de |les )?(?:subventions?|dons)\b",
            False,
            False,
        ),
        (r"\b100 ?% subventionne\w*|\bgratuit\w*\b", False, False),
        # "tout vient de subventions du gouvernement et de dons", "financés juste par des dons"
        (
            r"\b(?:vient|viennent|provient|proviennent|financ\w*) (?:uniquement |seulement |juste |entierement )?"
            r"(?:de |des |du |par |par des |avec des )(?:subventions?|dons)\b",
            False,
            False,
        ),
    ),
    "serves_members_or_community": _cues(
        (
            r"\b(?:membres?|communaute|collectivite|quartier|population|citoyens?|clientele|usagers?|besoins?|"
            r"travailleu(?:r|rs|se|ses)|producteu(?:r|rs|rices?)|locataires?|residents?|beneficiaires?)\b",
            True,
            True,
        ),
        (r"\b(?:mission sociale|jeunes|aines|familles|region|village)\b", True, True),
        # "300, dont une vingtaine à Gatineau", "environ 9 000": a count of members
        (
            r"^(?:environ |autour de |a peu pres |pres de |plus de )?\d[\d ]*\b|\b\d+ (?:membres|personnes|familles)\b",
            True,
            False,
        ),
        # who is served, named: "des coopératives d'alimentation" (a federation's members), "les gens du coin"
        (
            r"\b(?:coop\w*|organismes?|entreprises membres|gens|personnes|enfants|etudiants|clients|"
            r"patients|proches aidants|immigrants?|itinerants?|public|milieu|societaires?|adherents?|assures|"
            r"agriculteurs|menages|locataires|parents|familles|benevoles)\b",
            True,
            True,
        ),
        (r"\b(?:faire du profit|faire de l argent|enrichir|actionnaires?|rendement|investisseurs?)\b", False, True),
    ),
    "public_control": _cues(
        (r"\b(?:autonomes?|independant\w*|indep|autogere\w*|libres?)\b", False, True),
        # "personne nous contrôle", "aucun organisme public ne contrôle nos décisions", "aucun contrôle
        # public", "c'est le CA qui décide", "ce sont nos membres qui élisent…": no public control
        (
            r"\b(?:personne|aucun organisme(?: public)?|aucune organisation|aucun ministere|nul) (?:ne )?(?:nous )?"
            r"controle\w*|\b(?:aucun|pas de|sans) controle\b|\bpas sous (?:le )?controle\b|"
            # "aucun organisme public ne siège à notre conseil ni ne contrôle nos décisions"
            r"\b(?:personne|aucun|aucune|nul)\b[^.;]{0,60}?\bni (?:ne |n )(?:nous )?controle\w*",
            False,
            False,
        ),
        (r"\bobservat\w*[^.]{0,30}\bsans (?:droit de )?vote\b", False, False),  # "la ville a un observateur, sans vote"
        # "elle n'a aucun siège au conseil", "la ville siège pas au CA", "le CIUSSS a rien à voir dans nos
        # décisions", "les décisions sont prises par notre CA": the public body has no say
        (
            r"\b(?:aucun|pas de|sans) sieges?\b|\bsiege\w* pas\b|\bn[e ]? ?siege\w* pas\b|"
            r"\b(?:a|ont|avons|n a|n ont) rien a voir (?:dans|avec) (?:nos|les|notre) (?:decisions?|gestion|gouvernance)\b|"
            r"\bdecisions? (?:sont |est )?prises? par (?:notre|nos|le|les|l) ?(?:ca|c a|conseil\w*|membres|assemblee\w*)\b",
            False,
            False,
        ),
        (
            r"\b(?:nous|notre (?:ca|c a|conseil\w*(?: d administration)?|assemblee\w*)|le ca|le c a|"
            r"le conseil d administration|nos membres|les membres)(?: elus?)?(?: qui)? (?:decid\w*|nomment|elisent|elit)\b",
            False,
            False,
        ),
        (
            r"\b(?:controle\w* (?:par|de la ville|du gouvernement|de l etat|d un organisme)|"
            r"(?:nous|les|la|l|me) controle\w*|sous (?:le )?controle|controlent|tutelle|"
            r"releve\w* (?:directement )?(?:de la|du|d un|d une|de l|des) (?:ville|municipalite|ministere|gouvernement|mrc|"
            r"etat|organisme public|organismes publics|cisss|ciusss)|"
            r"(?:ville|municipalite|ministere|gouvernement|mrc|etat) (?:nous )?nomme\w*|"
            r"nomme\w* (?:nos|les|la majorite de nos|des) (?:administrateurs|dirigeants|membres du ca)|"
            r"(?:conseil municipal|municipalite|ville|gouvernement|ministere|mrc)\b.{0,25}\bnomm\w*|"
            r"dirige\w* par|elus? municipa\w*|"
            # "une organisation dont les décisions sont prises par la municipalité"
            r"decisions? (?:sont |est )?prises? par (?:la |le |l |une |un |des |les )?"
            r"(?:ville|municipalite|ministere|gouvernement|mrc|etat|organismes? publics?))",
            True,
            True,
        ),
        (
            r"\b(?:c est|on est|nous sommes) (?:la |une |un )?(?:ville|municipalite|ministere|mrc|gouvernement)\b",
            True,
            True,
        ),
    ),
    "democratic_governance": _cues(
        (r"\b(?:un|1|une personne|chaque membre|un membre|1 membre) (?:un|1) vote\b", True, True),
        (r"\b(?:membre|personne) (?:=|egal) (?:un|1) vote\b", True, True),
        (r"\b(?:ca|c a|conseil d administration|administrateurs?|conseil) (?:est |sont )?elus?\b", True, True),
        (r"\belu\w* (?:par|en|lors|a l|democratiquement)\b|\belisent\b|\bdemocrati\w*", True, True),
        (r"\b(?:aga|assemblees?(?: generales?)?(?: annuelles?)?|votent|on vote|droit de vote|delegues?)\b", True, True),
        (r"\b(?:proprio|proprietaire|patron|fondateur|fondatrice) (?:decide|decident|choisit|nomme)\b", False, True),
    ),
    "surplus_limited": _cues(
        (r"\bristournes?\b", True, False),
        (r"\breinvesti\w*|\breinvest\w*", True, False),
        (rf"\b{_PROFIT} (?:restent|reste|demeurent|retournent|servent|vont dans|vont a la mission)\b", True, False),
        (
            r"\b(?:pas|aucun|aucune|jamais|ni) (?:de |d )?(?:distribution|dividendes?|partage|redistribution)\b",
            True,
            False,
        ),
        (rf"\b(?:pas|aucun|aucune|jamais) (?:de |d )?{_PROFIT} {_DISTRIBUTE}", True, False),
        # "non on fait pas de profits", "aucun surplus": nothing to distribute, which the question's
        # "non" would otherwise read as "the rules allow distributing them"
        (
            rf"\b(?:pas|aucun|aucune|jamais|peu) (?:de |d )?{_PROFIT}\b|\bnon lucratif\b|\bsans but lucratif\b",
            True,
            False,
        ),
        (rf"\b{_PROFIT} (?:ne )?(?:sont |est |seront )?(?:pas|jamais|aucunement) {_DISTRIBUTE}", True, False),
        (rf"\b{_DISTRIBUTE} (?:pas|jamais|aucun|aucune|rien)\b", True, False),
        (r"\b(?:interdi\w*|limit\w*|plafonn\w*|encadr\w*)\b", True, True),
        (r"\b(?:dividendes?|actionnaires?)\b", False, True),
    ),
    "dissolution_rule": _cues(
        (
            r"\b(?:un |une )?autres? (?:organisme|organisation|coop\w*|mutuelle|obnl|osbl|association|entreprise|federation)\b",
            True,
            True,
        ),
        (
            r"\b(?:organisme|organisation|mission|fins?|objectifs?|vocation)s? (?:semblables?|similaires?|analogues?|pareils?|comparables?)\b",
            True,
            True,
        ),
        (r"\breliquat\b|\bdevolu\w*|\bdevolution\b", True, True),
        (
            r"\b(?:partage\w*|divise\w*|redistribu\w*|distribu\w*|vendu\w*|remis\w*|donne\w*|verse\w*|retourne\w*|reviennent|revient|vont)"
            r" (?:entre |aux |a nos |a )?(?:les |nos |leurs? )?(?:\d+ |deux |trois |quatre )?"
            r"(?:membres|actionnaires|proprietaires|fondat(?:eurs|rices))\b",
            False,
            True,
        ),
    ),
    "based_in_quebec": _cues(
        (r"\b(?:quebec|qc|icitte|province)\b", True, True),
        (_OUTSIDE_QUEBEC, False, True),
    ),
    "is_network": _cues(
        (
            r"\b(?:federations?|confederations?|reseaux?(?! sociaux)|regroupements?|associations? sectorielles?)\b",
            True,
            True,
        ),
        (r"\b(?:on regroupe|nous regroupons|on represente|nous representons|regroupe)\b", True, True),
        (r"\b(?:une seule|seule|seul|individuelle|juste nous)\b", False, False),
        # "une petite coop indépendante, pas membre d'une fédération": one enterprise, not a network
        (
            r"\b(?:coop|coops|cooperatives?|obnl|mutuelles?|entreprises?|organismes?) independant\w*\b|"
            r"\bpas (?:membres?|affilie\w*) (?:d une|de la|a une|a la|d aucune) federation\b",
            False,
            False,
        ),
    ),
    "structuring_project": _cues(
        (
            r"\b(?:tout le reseau|tous nos membres|tous les membres|l ensemble (?:du reseau|de nos membres|des membres))\b",
            True,
            True,
        ),
        (
            r"\b(?:structurant\w*|mutualis\w*|en commun|commun a|pour nos membres|cybersecurite|erp|pgi|progiciel|modele d affaires)\b",
            True,
            True,
        ),
        (
            r"\b(?:juste pour nous|seulement pour nous|pour notre bureau|a l interne|interne seulement|juste notre)\b",
            False,
            False,
        ),
    ),
}


# Fields whose cue phrases are read from any message, not only as the answer to their question:
# those whose words seldom mean anything else. Not the needs of members or of the community
# ("un CRM pour nos membres"), nor the structuring project ("un ERP"), nor the network (its entity).
INCIDENTAL_FIELDS = (
    "is_network",
    "market_activities",
    "public_control",
    "democratic_governance",
    "surplus_limited",
    "dissolution_rule",
)


# Read in passing only when the message speaks of the field's subject: "on vend des services de
# billetterie partagée à nos membres" says nothing of what happens to the assets on dissolution.
_INCIDENTAL_SUBJECT: Dict[str, "re.Pattern[str]"] = {
    # "je suis dg d'une association qui regroupe des radios communautaires", "notre fédération
    # regroupe 12 coops": the visitor's own organisation is a network (not "on est membre d'une…")
    "is_network": re.compile(
        r"\b(?:je suis|on est|nous sommes|je travaille (?:pour|a|dans)|je dirige|notre|on represente|"
        r"nous representons|on regroupe|nous regroupons)\b[^.?!]{0,40}?\b(?:federation|confederation|"
        r"association sectorielle|(?:association|regroupement|reseau) (?:qui|de|des|d)\b|regroupe|represente)"
    ),
    "dissolution_rule": re.compile(r"\b(?:dissol\w*|reliquat|devol\w*|liquidat\w*|ferme\w*|fermeture|biens|actifs)\b"),
    "surplus_limited": re.compile(rf"\b(?:{_PROFIT}|ristournes?|dividendes?|reinvest\w*|lucratif)\b"),
}


def _cue_value(field: str, said: Said) -> Optional[bool]:
    """What the cue phrases of `field` state in the message; None when none, or when they disagree.
    A match inside a longer match is ignored ("en dehors du Québec" is not "Québec")."""
    hits = []
    folded = said.folded
    for pattern, value, flips in _CUES.get(field, ()):
        for m in pattern.finditer(folded):
            if field == "is_network" and value and _membership(folded, m.start()):
                continue
            v = (not value) if flips and said.negated(m.start(), m.end(), after=True) else value
            hits.append((m.start(), m.end(), v))
    kept = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0]) for o in hits)]
    values = {v for _, _, v in kept}
    return values.pop() if len(values) == 1 else None


def _options(field: str, **kw) -> List[Dict[str, Any]]:
    try:
        return list(eligibility.question(field, **kw)["options"])
    except KeyError:
        return []


def inverted(field: str, **kw) -> bool:
    """A yes/no question asked the other way round from its slot: "Distribuez-vous vos surplus… ?"
    fills `surplus_limited`, so its "Non" is True. Told by the data: the option worth True is "Non"."""
    for opt in _options(field, **kw):
        if opt.get("value") is True:
            return fold(str(opt.get("label") or "")).startswith("non")
    return False


def _core(folded: str) -> str:
    """The message without the words an answer is wrapped in: "on est une petite coop" → "coop"."""
    tokens = _tokens(folded)
    while tokens and tokens[0] in _WRAPPERS:
        tokens = tokens[1:]
    while tokens and tokens[-1] in _WRAPPERS:
        tokens = tokens[:-1]
    return " ".join(tokens)


def _option_forms(field: str, **kw) -> List[Tuple[str, Any]]:
    """(folded form, option value) for each of the question's options: its label, and for a
    choice its vocabulary label and synonyms; longest first."""
    forms: List[Tuple[str, Any]] = []
    kind = vocabulary.FIELD_KINDS.get(field)
    for opt in _options(field, **kw):
        forms.append((fold(opt["label"]), opt["value"]))
        if kind:
            for entry in vocabulary.entries(kind, **kw):
                if entry["id"] == opt["value"]:
                    for form in [entry["label"], *(entry.get("synonyms") or [])]:
                        forms.append((fold(form), opt["value"]))
    seen, out = set(), []
    for form, value in sorted(forms, key=lambda fv: -len(fv[0])):
        if form and (form, str(value)) not in seen:
            seen.add((form, str(value)))
            out.append((form, value))
    return out


def option_typed(text: str, field: str, **kw) -> Optional[Any]:
    """The option of `field`'s question the whole message names, button label or vocabulary word:
    "Mutuelle", "une coop", "Non, aucune de ces catégories", "Oui, un réseau". None otherwise —
    "une mutuelle c'est admissible ?" is a question, not a typed option."""
    folded = fold(text)
    if not folded or str(text).startswith("/"):
        return None
    core = _core(folded)
    for form, value in _option_forms(field, **kw):
        if form in (folded, core):
            return value
    # a typo in a short answer ("cooperatve", "mutuel")
    if len(core) >= 5 and len(core.split()) <= 3:
        forms = {form: value for form, value in _option_forms(field, **kw) if len(form) >= 5}
        close = difflib.get_close_matches(core, list(forms), n=1, cutoff=0.85)
        if close:
            return forms[close[0]]
    return None


def _choice_in_text(field: str, said: Said, skip_forms: Iterable[str] = (), **kw) -> Optional[str]:
    """A choice field's option named anywhere in the text, not negated: the longest wins.
    "other" ("autre") only as the whole answer ("une autre coop" is a coop). `skip_forms`: words
    not to read here."""
    allowed = {str(o["value"]) for o in _options(field, **kw)}
    skip = set(skip_forms)
    hits = []
    negated_hits = []
    for form, value in _option_forms(field, **kw):
        if str(value) not in allowed or (str(value) == "other" and form == "autre") or form in skip:
            continue
        for m in phrase_pattern(form).finditer(said.folded):
            (negated_hits if said.negated(m.start(), m.end()) else hits).append((len(form), str(value)))
    if field == "org_category":
        named = [v for _, v in hits if v != "none"]
        if named:
            return max((n, v) for n, v in hits if v != "none")[1]
        if any(v == "none" for _, v in hits) or (negated_hits and not hits):
            return "none"  # "aucune de ces catégories", "on n'est pas un syndicat"
        return None
    return max(hits)[1] if hits else None


def negated_options(text: str, **kw) -> Dict[str, List[str]]:
    """The options of the choice questions the message names only negated: "on est un OBNL, pas un
    regroupement patronal" → {"org_category": ["employer_group"]}. A caller may forget such an
    answer if it was the one given."""
    said = Said(text)
    out: Dict[str, List[str]] = {}
    if not said.folded:
        return out
    for field in CHOICE_FIELDS:
        named, negated_values = set(), set()
        for form, value in _option_forms(field, **kw):
            if str(value) in ("none", "other") or form in _WEAK_FORMS:
                continue
            for m in phrase_pattern(form).finditer(said.folded):
                (negated_values if said.negated(m.start(), m.end()) else named).add(str(value))
        if negated_values - named:
            out[field] = sorted(negated_values - named)
    return out


def read_answer(text: str, field: str, **kw) -> Optional[Any]:
    """The answer `text` gives to the question about `field`, or None. In order: the question's
    option typed out; for a choice, an option named in the text (negated ones ignored); for a
    yes/no question, the cue phrases of the field (negation flips them), then a leading or lone
    oui/non. A cue beats the oui/non when they disagree: "oui, on est autonomes" answers "is it
    under public control?" with no, the way it was meant."""
    if not text or str(text).startswith("/"):
        return None
    typed = option_typed(text, field, **kw)
    if typed is not None:
        return typed
    said = Said(text)
    if _DONT_KNOW.search(said.folded):
        return None  # "aucune idée", "je sais pas si on vend": the skip, not an answer
    if field in CHOICE_FIELDS:
        found = _choice_in_text(field, said, **kw)
        if found is None and field == "org_category" and yes_no(text) is False:
            return "none"  # "non", "non pantoute" to "are you a union, an order…?"
        if (
            found is None
            and field == "org_category"
            and (_COLLECTIVE_SELF.search(said.folded) or vocabulary.find_all("sectors", text, **kw))
        ):
            # "association sectorielle d'entreprises collectives", "un OBNL de réinsertion": what the
            # organisation is, and none of the excluded categories (those would have been found)
            return "none"
        return found
    cue = _cue_value(field, said)
    if cue is not None:
        return cue
    if field == "based_in_quebec" and any(
        not said.negated(m.start(), m.end()) for m in re.finditer(_OUTSIDE_QUEBEC, said.folded)
    ):
        # "non, on est au Nouveau-Brunswick, mais on vend beaucoup au Québec": where the organisation
        # is, not where it sells (the Québec named beside it would otherwise read as the region)
        return False
    if field == "based_in_quebec" and _quebec_region(said, **kw):
        return True  # "à Gaspé", "icitte à Rimouski"
    answer = yes_no(text)
    if answer is not None and inverted(field, **kw):
        answer = not answer  # "non" to "distribuez-vous vos surplus ?": they are not distributed
    if answer is not None and _about_another_question(field, said, answer, **kw):
        # "oui comme je disais, on est basés à Gaspé" to "is it under public control?": the yes
        # goes with what follows, which answers another question. Asked again rather than guessed.
        return None
    return answer


_COLLECTIVE_SELF = re.compile(
    r"\b(?:cooperative\w*|coop|coops|mutuelle\w*|obnl|osbl|but non lucratif|sans but lucratif|"
    r"entreprises? collectives?|entreprises? d economie sociale|economie sociale|federation\w*|reseau|"
    r"association sectorielle|organisme communautaire|entreprise adaptee|entreprise d insertion|cpe|"
    r"centre de la petite enfance|ressourcerie|friperie|popote|maison de|corporation de developpement|"
    r"organisme (?:de|d|en|sans|a)|centre communautaire|radio communautaire|coop de|cooperative de|"
    r"organisme \w+|compagnie de \w+|theatre|festival|musee|troupe|salle de spectacles?|diffuseur|club|"
    r"camp de jour|centre (?:de|d) \w+|maison des jeunes|banque alimentaire|cuisine collective)\b"
)


# "pourquoi les ventes comptent ?", "c'est quoi une ristourne ?": a question about a criterion's
# words, not a fact about the organisation.
_ASKS_WHY = re.compile(
    r"^(?:(?:ah|ok|bon|et|pis|mais) )*(?:ah bon )?(?:pourquoi|comment ca|c est quoi|qu est ce qu|ca veut dire)\b"
)


def _quebec_region(said: Said, **kw) -> bool:
    hits = [m for e in vocabulary.entries("regions", **kw) for m in _form_matches(e, said.folded)]
    return any(not said.negated(m.start(), m.end()) for m in hits)


def _form_matches(entry: Dict[str, Any], folded: str):
    for form in [entry["label"], *(entry.get("synonyms") or [])]:
        yield from phrase_pattern(fold(form)).finditer(folded)


# Questions whose words, in an answer to another question, show that the oui/non is about them.
# Not public control: "autonome" is said loosely ("non, on est une coop autonome" to "are you a
# network?").
_TELLING_FIELDS = ("market_activities", "democratic_governance", "surplus_limited", "dissolution_rule")


def _about_another_question(field: str, said: Said, answer: Optional[bool] = None, **kw) -> bool:
    for other in _TELLING_FIELDS:
        cue = _cue_value(other, said) if other != field else None
        if cue is None:
            continue
        # "non, ce sont nos membres qui élisent le CA" to "is it under public control?": the members'
        # vote is why nobody public controls it; the no answers the question asked
        if field == "public_control" and answer is False and other == "democratic_governance" and cue:
            continue
        return True
    return field != "based_in_quebec" and _quebec_region(said, **kw)


# -- corrections and hypotheses -------------------------------------------------------------------
_CORRECTION = re.compile(
    r"\b(?:en fait|finalement|plutot|je me suis trompe\w*|on s est trompe\w*|je me suis mal exprime\w*|"
    r"erreur|correction|je corrige|rectifi\w*|je voulais dire|je veux dire|oups|oops|en realite|"
    r"au fait|non attends?)\b"
)
_HYPOTHESIS = re.compile(
    r"\b(?:et|pis|puis) si\b|\bsi jamais\b|\bsupposons\b|\badmettons\b|\bimaginons\b|"
    r"\bhypoth\w*|\bsi (?:on|nous|notre|l organisme|l organisation|la coop\w*|l obnl)\b.{0,30}?\b"
    r"(?:devenait|devenions|etait|etions|transformait|transformions|changeait|changions|passait|passions|"
    r"fusionnait|fusionnions|incorporait|incorporions|avait|avions|se transforme|devient|change)\b|"
    r"\b(?:devenait|devenions|deviendrait|deviendrions)\b"
)


def is_correction(text: str) -> bool:
    """ "en fait on est une association sectorielle", "finalement un OBNL", "je me suis trompé"."""
    return bool(text) and not str(text).startswith("/") and bool(_CORRECTION.search(fold(text)))


def is_hypothetical(text: str) -> bool:
    """ "et si on se transforme en coop ?", "si on était une fédération", "supposons qu'on devienne
    un OBNL" — not "je veux savoir si on est admissible" (a real question about the present)."""
    if not text or str(text).startswith("/"):
        return False
    folded = fold(text)
    if re.search(r"\b(?:savoir|verifier|voir|sais|sait|demande|checker|check) si\b", folded) and not re.search(
        r"\b(?:devenait|devenions|etait|etions|transformait|deviendrait|deviendrions|et si)\b", folded
    ):
        return False
    return bool(_HYPOTHESIS.search(folded))


# -- one message → profile answers ------------------------------------------------------------------


def _bool_entity(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    return True if s in ("true", "oui", "yes", "1") else False if s in ("false", "non", "no", "0") else None


# A legal form or category named in general ("pour les coops", "comme les OBNL", "aux mutuelles"),
# after the visitor's own: the subject of a comparison, not what the organisation is.
_GENERIC_MENTION = re.compile(r"\b(?:les|aux|des|d autres|autres)\s*$")
# What a number tagged as staff counts when it is not the staff: "une trentaine d'OBNL", "40 membres"
_OTHER_COUNTED = re.compile(
    r"^\s*(?:d |de |des )?(?:obnl|organismes?|organisations?|coops?|cooperatives?|entreprises?|mutuelles?|membres?|"
    r"producteurs?|clients?|benevoles?|usagers?|logements?|federations?|associations?)\b"
)


def _span(folded: str, ent: Dict[str, Any], text: str) -> Optional[Tuple[int, int]]:
    """Where an entity sits in the folded text: from its offsets, else by searching its value."""
    start, end = ent.get("start"), ent.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text):
        prefix = fold(text[:start])
        return len(prefix) + (1 if prefix else 0), len(fold(text[:end]))
    m = phrase_pattern(fold(str(ent.get("value") or ""))).search(folded) if ent.get("value") else None
    return (m.start(), m.end()) if m else None


# Words of the vocabulary too loose to take as a correction of the legal form when the NLU did not
# tag them: "en fait c'est la ville qui nous finance" does not make the organisation a public body.
_WEAK_FORMS = (
    "ville",
    "organisme",
    "ministere",
    "inc",
    "mrc",
    "municipalite",
    "non",
    "aucun",
    "aucune",
    "ordre",
    "parti",
)


# A public body named as the subject of what it does to the organisation ("la ville nous verse…",
# "le CIUSSS a rien à voir…", "la municipalité siège…"), matched at the entity's start.
# "… comme une coop": what the organisation is compared with, not what it is (before a mention).
LIKE_A = re.compile(r"\bcomme (?:une?|les|des|la|le) $")
# The whole phrase of such a comparison, up to the next punctuation.
LIKE_A_PHRASE = re.compile(r"\bcomme (?:une?|les|des|la|le) [^,.;:!?]*")
_PUBLIC_ACTOR = re.compile(
    r"(?:ville|municipalite|ministere|gouvernement|mrc|cisss|ciusss|commission scolaire|centre de services scolaire)"
    r"\b(?: [a-z-]+)?\s+(?:nous |n )?(?:a|ont|n a|verse\w*|donne\w*|finance\w*|subventionn\w*|loue\w*|paie\w*|"
    r"sieg\w*|ne |controle\w*|nomme\w*|decide\w*)\b"
)


def extract_profile(message: Dict[str, Any], requested: Optional[str] = None, **kw) -> Dict[str, Any]:
    """Slot values found in one message. `requested`: the question being asked, which the text
    may answer without an entity (typed label, oui/non with extra words, cue phrases).

    A negated entity is not a fact ("on est une coop, pas une fédération": is_network is False,
    "pas une coop, un OBNL": nonprofit). A correction ("en fait on est une association
    sectorielle") is also read against the legal forms and excluded categories."""
    message = message or {}
    intent = (message.get("intent") or {}).get("name")
    text = message.get("text") or ""
    said = Said(text)
    folded = said.folded
    found: Dict[str, Any] = {}
    needs: List[str] = []
    for ent in message.get("entities") or []:
        name, value = ent.get("entity"), ent.get("value")
        if value in (None, ""):
            continue
        span = _span(folded, ent, text) if folded else None
        is_negated = bool(span) and said.negated(*span)
        field = vocabulary.ENTITY_FIELDS.get(name)  # technology → needs: see ENTITY_FIELDS
        if requested == "dissolution_rule" and (name == "network" or field in ("legal_form", "org_category")):
            # "ça irait à la fédération", "à un organisme coopératif": where the assets go, not who they are
            continue
        if field == "legal_form" and span and LIKE_A.search(folded[: span[0]]):
            continue  # "une entreprise privée peut-elle participer comme une coop ?": a comparison
        if field == "legal_form" and span and _PUBLIC_ACTOR.match(folded, span[0]):
            # "le CIUSSS a rien à voir dans nos décisions", "la ville nous subventionne": a public body
            # that acts on the organisation, not what the organisation is
            continue
        if field == "needs":
            v = vocabulary.normalize_in(vocabulary.ENTITY_KINDS[name], value, text, **kw)
            if v and v not in needs and not is_negated:
                needs.append(v)
        elif field:
            v = vocabulary.normalize_in(vocabulary.ENTITY_KINDS[name], value, text, **kw)
            if v and not is_negated:
                if field in found and span and _GENERIC_MENTION.search(folded[: span[0]]):
                    continue  # "je dirige une mutuelle… ou c'est seulement pour les coops ?": the mutual
                found[field] = v
            elif v and is_negated and field == "org_category" and requested == "org_category":
                found.setdefault("org_category", "none")
        elif name == "network":
            if span and _membership(folded, span[0]):
                continue
            found["is_network"] = not is_negated
        elif name == "employees":
            if requested == "serves_members_or_community":
                continue  # "300, dont une vingtaine à Gatineau": members counted, not staff
            if span and _OTHER_COUNTED.search(folded[span[1] :]):
                continue  # "une association qui regroupe une trentaine d'OBNL": its members, not its staff
            n = parse_employees(value)
            if n is not None:
                found["employees"] = n
        elif name in BOOLEAN_FIELDS:  # from button payloads: /inform{"is_network": true}
            b = _bool_entity(value)
            if b is not None:
                found[name] = b
    if needs:
        found["needs"] = needs
    if folded and is_correction(text):
        for field in CHOICE_FIELDS:
            if field not in found:
                v = _choice_in_text(field, said, skip_forms=_WEAK_FORMS, **kw)
                if v is not None and not (field == "org_category" and v == "none"):
                    found[field] = v
        if "is_network" not in found:
            cue = _cue_value("is_network", said)
            if cue is True:
                found["is_network"] = True
    if requested and requested not in found:
        value = read_answer(text, requested, **kw)
        if value is not None:
            found[requested] = value
        elif requested in BOOLEAN_FIELDS and intent in ("affirm", "deny"):
            found[requested] = (intent == "affirm") != inverted(requested, **kw)
        elif requested == "org_category" and intent == "deny":
            found["org_category"] = "none"
    if folded:
        # An option typed out ("Coopérative", "Ordre professionnel"), which the NLU may not tag,
        # with no question pending or to another question (a correction); not "non" / "autre",
        # which say nothing without their question.
        for field in CHOICE_FIELDS:
            if field not in found and field != requested:
                value = option_typed(text, field, **kw)
                if value not in (None, "none", "other"):
                    found[field] = value
    if folded and not _ASKS_WHY.search(folded):
        # Facts stated in passing, beside the question asked or with none asked ("une coop à
        # Rimouski, on vend du pain, les membres élisent le CA") are not asked again.
        # "nous sommes une coopérative d'Ottawa": a place outside Québec, said in passing (a place in
        # Québec is read from the region; "le programme québécois" says nothing of the visitor)
        if "based_in_quebec" not in found and requested != "based_in_quebec":
            # "on est une coop de travail à Québec": the city, or the province, said of the visitor
            here = _HERE_IN_QUEBEC.search(folded)
            if here is not None and not said.negated(here.start(1), here.end(1)):
                found["based_in_quebec"] = True
            for m in re.finditer(_OUTSIDE_QUEBEC, folded):
                before = folded[max(0, m.start() - 25) : m.start()]
                if not said.negated(m.start(), m.end()) and not re.search(
                    r"\b(?:membres|clients|partenaires)\b", before
                ):
                    found["based_in_quebec"] = False
                    break
        for field in INCIDENTAL_FIELDS:
            if field not in found and field != requested:
                subject = _INCIDENTAL_SUBJECT.get(field)
                if subject is not None and not subject.search(folded):
                    continue
                cue = _cue_value(field, said)
                if cue is not None:
                    found[field] = cue
    return found


def profile_from_slots(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {k: slots.get(k) for k in PROFILE_SLOTS + CONTEXT_SLOTS if slots.get(k) is not None}


# -- saying answers back --------------------------------------------------------------------------
# How a yes/no answer reads in "Noté : …" (True, False). One entry per boolean field of
# eligibility.yml (tests/common/test_profile.py checks it).
FACT_PHRASES: Dict[str, Tuple[str, str]] = {
    "market_activities": ("vend des biens ou des services", "ne vend ni biens ni services"),
    "serves_members_or_community": (
        "répond aux besoins de ses membres ou de la collectivité",
        "ne vise pas d'abord les besoins de ses membres ou de la collectivité",
    ),
    "public_control": ("sous le contrôle d'un organisme public", "autonome face aux organismes publics"),
    "democratic_governance": ("gouvernance démocratique", "sans gouvernance démocratique"),
    "surplus_limited": ("distribution des surplus limitée", "distribution des surplus non limitée"),
    "dissolution_rule": (
        "biens remis à un organisme semblable en cas de dissolution",
        "sans règle de dévolution des biens",
    ),
    "based_in_quebec": ("établie au Québec", "établie hors du Québec"),
    "is_network": ("réseau (fédération ou association sectorielle)", "une seule entreprise, pas un réseau"),
    "structuring_project": ("projet structurant pour le réseau", "projet qui ne vise pas tout le réseau"),
}
# With an article, for "Hypothèse : une coopérative". Masculine unless listed.
_FEMININE = {"cooperative", "mutual", "business", "other"}
_FIELD_ORDER = ("legal_form", "is_network", "org_category", "region", "sector", "employees", "needs")


def _lower_label(label: str) -> str:
    """ "Coopérative" → "coopérative", "OBNL" stays "OBNL" (an acronym keeps its capitals)."""
    if not label:
        return ""
    first = label.split()[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def _choice_label(field: str, value: Any, **kw) -> Optional[str]:
    for opt in _options(field, **kw):
        if str(opt["value"]) == str(value):
            label = opt["label"]
            if field == "org_category" and value == "none":
                return "aucune catégorie exclue"
            if str(value) == "other":
                return "autre forme juridique" if field == "legal_form" else "autre"
            return _lower_label(label)
    kind = vocabulary.FIELD_KINDS.get(field)
    label = vocabulary.label(kind, value, **kw) if kind else None
    return _lower_label(label) if label else None


def describe(field: str, value: Any, article: bool = False, **kw) -> Optional[str]:
    """An answer in a few words: ("legal_form", "cooperative") → "coopérative" ("une coopérative"
    with `article`), ("is_network", False) → "une seule entreprise, pas un réseau", ("region",
    "saguenay_lac_saint_jean") → "Saguenay–Lac-Saint-Jean", ("employees", 12) → "12 employés"."""
    if value is None:
        return None
    if field in CHOICE_FIELDS:
        label = _choice_label(field, value, **kw)
        if label and article and not (field == "org_category" and value == "none"):
            return f"{'une' if str(value) in _FEMININE else 'un'} {label}"
        return label
    if field in FACT_PHRASES:
        b = _bool_entity(value)
        if b is None:
            return None
        if field == "is_network" and article:
            return "un réseau (fédération ou association sectorielle)" if b else "une seule entreprise"
        return FACT_PHRASES[field][0 if b else 1]
    if field == "region":
        return vocabulary.label("regions", value, **kw)
    if field == "sector":
        label = vocabulary.label("sectors", value, **kw)
        return f"secteur : {_lower_label(label)}" if label else None
    if field == "employees":
        n = parse_employees(value)
        if n is None:
            return None
        return "aucun employé" if n == 0 else f"{n} employé{'s' if n > 1 else ''}"
    if field == "needs":
        labels = [vocabulary.label("needs", v, **kw) for v in (value if isinstance(value, list) else [value])]
        labels = [_lower_label(x) for x in labels if x]
        return f"besoin{'s' if len(labels) > 1 else ''} : {', '.join(labels)}" if labels else None
    return None


def describe_profile(
    profile: Dict[str, Any], fields: Optional[Iterable[str]] = None, article: bool = False, **kw
) -> List[str]:
    """The answers of `profile` in a few words each, identity first (legal form, network, excluded
    category), then where, sector, size, needs, then the other yes/no answers."""
    wanted = list(fields) if fields is not None else list(profile)
    order = [f for f in _FIELD_ORDER if f in wanted] + [
        f for f in PROFILE_SLOTS if f in wanted and f not in _FIELD_ORDER
    ]
    out = []
    for field in order:
        text = describe(field, profile.get(field), article=article, **kw)
        if text:
            out.append(text)
    return out


def join_facts(items: Sequence[str]) -> str:
    """ "coopérative, Saguenay–Lac-Saint-Jean"; with "; " when an item has its own commas."""
    sep = " ; " if any("," in i for i in items) else ", "
    return sep.join(items)
