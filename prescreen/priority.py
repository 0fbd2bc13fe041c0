"""Priority score of a lead card, 0–100 (higher = call first).

    priorité = round(100 × E × (0,30 + 0,25·C + 0,15·B + 0,15·U + 0,15·J))

E — admissibilité (gate): 1 if at least one volet is `eligible`; 0.6 if none is eligible but
    at least one is still `unknown` (to confirm); 0 if every volet is `not_eligible` (the
    programme cannot help: the card stays in the report, at the bottom, with its reasons).
C — complétude: share of the six profile fields known (legal form, network or not, sector,
    region, size, needs).
B — besoin: 1 if at least one digital need was identified, else 0.
U — urgence: the nearest filing date of a volet still open for the organisation (eligible or
    to confirm): ≤ 30 days → 1; ≤ 90 days → 0.5; later, or ahead with the year not published
    → 0.25; no date ahead → 0.
J — joignabilité: 1 if contact details came with a recorded consent; 0.5 if the person asked
    to be contacted but no consented details are on file; 0 otherwise.

The weights add up to 1 (0.30 is the base any organisation the programme may help gets), so
a fully known, eligible organisation with a need, a close deadline and consented contact
details scores 100. Ties are broken by completeness, then by card id.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from prescreen import knowledge_glue as kg

FORMULA = "priorité = round(100 × E × (0,30 + 0,25·C + 0,15·B + 0,15·U + 0,15·J))"
WEIGHTS = {"base": 0.30, "completeness": 0.25, "need": 0.15, "urgency": 0.15, "reachability": 0.15}
CARD_FIELDS = ("legal_form", "is_network", "sector", "region", "employees", "needs")


def eligibility_factor(volets: list) -> float:
    statuses = [v["status"] for v in volets]
    if kg.Verdict.ELIGIBLE in statuses:
        return 1.0
    if kg.Verdict.UNKNOWN in statuses:
        return 0.6
    return 0.0


def urgency_factor(deadline: Optional[Dict[str, Any]]) -> float:
    if not deadline or not deadline.get("ahead"):
        return 0.0
    days = deadline.get("days_until")
    if days is None:
        return 0.25
    if days <= 30:
        return 1.0
    if days <= 90:
        return 0.5
    return 0.25


def score(
    *,
    volets: list,
    profile: Dict[str, Any],
    deadline: Optional[Dict[str, Any]],
    consent_contact: bool,
    wants_contact: bool,
) -> Dict[str, Any]:
    e = eligibility_factor(volets)
    c = sum(1 for f in CARD_FIELDS if profile.get(f) not in (None, [], "")) / len(CARD_FIELDS)
    b = 1.0 if profile.get("needs") else 0.0
    u = urgency_factor(deadline)
    j = 1.0 if consent_contact else (0.5 if wants_contact else 0.0)
    inner = (
        WEIGHTS["base"]
        + WEIGHTS["completeness"] * c
        + WEIGHTS["need"] * b
        + WEIGHTS["urgency"] * u
        + WEIGHTS["reachability"] * j
    )
    value = int(round(100 * e * inner))
    return {
        "score": value,
        "components": {"E": e, "C": round(c, 3), "B": b, "U": u, "J": j},
        "formula": FORMULA,
        "explanation": (
            f"E={e:g} (admissibilité), C={c:.2f} (complétude), B={b:g} (besoin), "
            f"U={u:g} (urgence), J={j:g} (joignabilité)"
        ).replace(".", ","),
    }
