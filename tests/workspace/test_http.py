"""The workspace over HTTP: no anonymous access to any route, CSRF on every form, login
slow-down and lockout, roles, exports, the audit log, and what a lead page shows."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from ws_stack import Client

from workspace.app import PUBLIC, ROUTES


def _concrete(path: str) -> str:
    return path.replace("{lead_id}", "1").replace("{account_id}", "1")


def test_every_route_is_protected_except_the_login_page():
    unprotected = [r.path for r in ROUTES if r.path not in PUBLIC and not hasattr(r.endpoint, "protected")]
    assert unprotected == []
    admin_only = {r.path for r in ROUTES if getattr(r.endpoint, "protected", None) == "admin"}
    assert {"/admin/comptes", "/admin/journal", "/admin/journal/export.csv"} <= admin_only


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.path not in PUBLIC], ids=lambda r: f"{sorted(r.methods)[0]} {r.path}"
)
def test_anonymous_requests_are_refused(workspace, route):
    client = Client(workspace.url)
    method = "POST" if "POST" in route.methods else "GET"
    r = client.request(method, _concrete(route.path), data={"csrf_token": "x"})
    if method == "GET":
        assert r.status_code == 303 and r.headers["location"].startswith("/connexion")
    else:
        assert r.status_code == 401
    assert "piste" not in r.text.lower() or "connectez-vous" in r.text.lower()


def test_unknown_paths_do_not_leak_either(workspace):
    r = Client(workspace.url).get("/pistes/../../etc/passwd")
    assert r.status_code in (303, 404) and "root:" not in r.text


def test_every_post_form_without_its_csrf_token_is_refused(workspace, admin):
    lead = _lead_id(admin, "c06_chat_mutuelle_question_ouverte")  # a lead no other test changes
    for route in ROUTES:
        if "POST" not in route.methods or route.path == "/connexion":
            continue
        path = route.path.replace("{lead_id}", str(lead)).replace("{account_id}", "1")
        r = admin.post(path, data={"statut": "closed", "raison": "x", "note": "x", "confirmer": "oui"})
        assert r.status_code == 403, route.path
        assert "Formulaire expiré ou invalide" in r.text
    # nothing was changed (nor forgotten) by those requests
    page = admin.get(f"/pistes/{lead}").text
    assert "Aucune note." in page and ">nouveau<" in page


def test_login_form_without_csrf_is_refused(workspace):
    client = Client(workspace.url)
    client.get("/connexion")
    r = client.post(
        "/connexion", data={"email": "admin@cdrq.example", "password": workspace.passwords["admin@cdrq.example"]}
    )
    assert r.status_code == 403


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(workspace):
    email = "verrou@cdrq.example"
    password = workspace.add_account(email, "conseiller")
    client = Client(workspace.url)
    codes = [client.login(email, "mauvais-mot-de-passe").status_code for _ in range(5)]
    assert codes[:4] == [401] * 4 and codes[4] == 429
    r = client.login(email, password)
    assert r.status_code == 429 and "15 minutes" in r.text
    # an unknown address is throttled the same way (no hint that the account exists)
    other = Client(workspace.url)
    assert [other.login("personne@nulle.part", "x").status_code for _ in range(5)][-1] == 429


def test_session_cookie_is_secure_httponly_strict(workspace):
    client = Client(workspace.url)
    r = client.get("/connexion")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_advisor_cannot_reach_the_administration(workspace):
    client = Client(workspace.url)
    assert client.login("conseil@cqcm.example", workspace.passwords["conseil@cqcm.example"]).status_code == 303
    assert client.get("/admin/journal").status_code == 403
    assert client.get("/admin/comptes").status_code == 403
    assert client.get("/pistes").status_code == 200


def test_logout_ends_the_session(workspace):
    client = Client(workspace.url)
    client.login("conseil@cqcm.example", workspace.passwords["conseil@cqcm.example"])
    token = client.csrf("/pistes")
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 303
    assert client.get("/pistes").status_code == 303


def _lead_id(admin, key_fragment: str) -> int:
    data = json.loads(admin.get("/pistes/export.json").content)
    for item in data["leads"]:
        if key_fragment in item["fiche"]["id"]:
            return item["numero"]
    raise AssertionError(key_fragment)


@pytest.mark.parametrize("source", ["e04_courriel_cpe_gatineau", "e01_courriel_obnl_loisirs", "e03_courriel_mutuelle"])
def test_a_lead_without_consent_never_shows_contact_details(workspace, admin, source):
    """These e-mails carry an address (and a phone number) in their text, without consent."""
    lead = _lead_id(admin, source)
    page = admin.get(f"/pistes/{lead}").text
    assert "Aucun consentement enregistré" in page
    staff = re.compile(r"[\w.+-]+@(cdrq|cqcm)\.example")  # the advisors' own addresses (assignment list)
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", staff.sub("", page))
    assert not re.search(r"\d{3}[ .-]\d{3}[ .-]\d{4}", page)
    # the consented one shows them
    consented = admin.get(f"/pistes/{_lead_id(admin, 'c05_chat_obnl_theatre_consentement')}").text
    assert "Consentement : oui" in consented and "@" in consented.split('id="contact"')[1].split("</section>")[0]


def test_filtered_csv_export_is_for_a_french_spreadsheet_and_logged(workspace, admin):
    r = admin.get("/pistes/export.csv?region=saguenay_lac_saint_jean")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["numero", "statut", "conseiller", "date"]
    assert len(rows) > 1 and all(row[rows[0].index("region")] == "Saguenay–Lac-Saint-Jean" for row in rows[1:])
    everything = list(
        csv.reader(io.StringIO(admin.get("/pistes/export.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert len(everything) > len(rows)
    journal = admin.get("/admin/journal/export.csv").content.decode("utf-8-sig")
    assert "exportation" in journal and "region=saguenay_lac_saint_jean" in journal


def test_bad_filters_get_a_french_message_not_an_error(admin):
    r = admin.get("/pistes?du=hier&statut=perdu&priorite_min=beaucoup&tri=x")
    assert r.status_code == 200
    assert "Date « du » illisible" in r.text and "Statut inconnu" in r.text


def test_status_change_requires_a_reason(workspace, admin):
    lead = _lead_id(admin, "c01_chat_coop_alimentation_rimouski")
    token = admin.csrf(f"/pistes/{lead}")
    r = admin.post(f"/pistes/{lead}/statut", data={"csrf_token": token, "statut": "callback", "raison": "  "})
    assert r.status_code == 400 and "raison" in r.text
    r = admin.post(f"/pistes/{lead}/statut", data={"csrf_token": token, "statut": "inventé", "raison": "x"})
    assert r.status_code == 400


def test_an_advisor_with_regions_sees_only_those_leads_and_the_ones_assigned(workspace, admin):
    printed = workspace.run(
        "advisor-add", "--email", "estrie@pole.example", "--role", "conseiller", "--regions", "estrie"
    )
    password = re.search(r"une seule fois[^:]*: (\S+)", printed).group(1)
    advisor = Client(workspace.url)
    assert advisor.login("estrie@pole.example", password).status_code == 303
    rows = list(
        csv.DictReader(io.StringIO(advisor.get("/pistes/export.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows and {r["region"] for r in rows} == {"Estrie"}
    outside = _lead_id(admin, "n04_notes_municipalite")  # Montérégie
    assert advisor.get(f"/pistes/{outside}").status_code == 404
    # once assigned to them, they see it
    token = admin.csrf(f"/pistes/{outside}")
    advisor_id = re.search(
        r'<option value="(\d+)"[^>]*>estrie@pole.example<', admin.get(f"/pistes/{outside}").text
    ).group(1)
    assert (
        admin.post(f"/pistes/{outside}/assigner", data={"csrf_token": token, "conseiller": advisor_id}).status_code
        == 303
    )
    assert advisor.get(f"/pistes/{outside}").status_code == 200
