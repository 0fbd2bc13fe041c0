"""The advisors' flows in a real headless Chromium (Debian's, through Playwright): log in,
see and filter the leads, open one, change its status, assign it, add a note, export the
filtered CSV and read it back, forget a person and find it in the audit log; import a
transcript by upload. Screenshots (desktop, tablet) with VIRAGE_WS_SCREENSHOTS=<folder>."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest

SHOTS = os.environ.get("VIRAGE_WS_SCREENSHOTS")
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"


@pytest.fixture
def page_for(browser, workspace):
    contexts = []

    def make(email="admin@cdrq.example", width=1280, height=800):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA", accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.goto(workspace.url + "/pistes")
        assert "/connexion" in page.url
        page.fill("#email", email)
        page.fill("#password", workspace.passwords[email])
        page.click("button[type=submit]")
        page.wait_for_url("**/pistes")
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def test_advisor_day(page_for, workspace):
    page = page_for()
    assert page.locator("#leads tbody tr").count() >= 20
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "workspace-desktop.png"), full_page=False)
    # filter: volet 1 eligible in Saguenay–Lac-Saint-Jean
    page.select_option("select[name=region]", "saguenay_lac_saint_jean")
    page.select_option("select[name=volet]", "1")
    page.select_option("select[name=verdict]", "eligible")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**region=saguenay_lac_saint_jean**")
    rows = page.locator("#leads tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert "Saguenay" in rows.nth(i).inner_text()
    # export the filtered set and read it back
    with page.expect_download() as info:
        page.click("#export-csv")
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(table) == rows.count()
    assert {r["region"] for r in table} == {"Saguenay–Lac-Saint-Jean"} and {r["volet_1"] for r in table} == {
        "admissible"
    }
    # open a lead: profile with quotes, verdicts, unknowns, next step, conversation
    page.locator("#leads tbody tr a").first.click()
    page.wait_for_url("**/pistes/*")
    body = page.inner_text("main")
    for heading in (
        "Profil de l'organisation",
        "Admissibilité par volet",
        "Prochaine étape",
        "Encore inconnu",
        "Conversation",
    ):
        assert heading in body
    assert "«" in page.inner_text("section[aria-labelledby=h-profile]")
    # status with a reason, assignment, note
    page.select_option("#form-status select[name=statut]", "callback")
    page.fill("#form-status input[name=raison]", "Rappeler mardi")
    page.click("#form-status button")
    page.wait_for_selector("text=Statut changé : à rappeler.")
    assert page.inner_text("#status") == "à rappeler"
    assert "Rappeler mardi" in page.inner_text("#history")
    page.select_option("#form-assign select[name=conseiller]", label="conseil@cqcm.example")
    page.click("#form-assign button")
    page.wait_for_selector("text=Piste assignée à conseil@cqcm.example.")
    assert page.inner_text("#assignee") == "conseil@cqcm.example"
    page.fill("#form-note textarea", "Appel prévu avec la direction.")
    page.click("#form-note button")
    page.wait_for_selector("text=Note ajoutée.")
    assert "Appel prévu avec la direction." in page.inner_text("#notes")
    lead_url = page.url
    # the advisor sees it assigned to them
    other = page_for("conseil@cqcm.example")
    other.goto(workspace.url + "/pistes?conseiller=moi")
    assert other.locator("#leads tbody tr").count() == 1
    # forget the person; the audit log says so, without the person's data
    page.goto(lead_url)
    page.check("#form-forget input[name=confirmer]")
    page.click("#form-forget button")
    page.wait_for_url("**/pistes")
    assert page.goto(lead_url).status == 404
    page.goto(workspace.url + "/admin/journal")
    log = page.inner_text("#audit")
    assert "suppression" in log and "oubli d'une personne" in log
    assert "modification" in log and "exportation" in log and "consultation" in log
    number = lead_url.rsplit("/", 1)[1]
    assert f"piste {number}" in log


def test_a_lead_without_consent_shows_no_contact_details_in_the_browser(page_for, workspace):
    page = page_for()
    page.goto(workspace.url + "/pistes?q=gatineau")
    page.locator("#leads tbody tr a").first.click()
    text = page.inner_text("main")
    assert "Aucun consentement enregistré" in text
    assert "[courriel masqué]" in text or "[masqué]" in text
    assert "@" not in page.inner_text("#contact") and "@" not in page.inner_text("section[aria-labelledby=h-conv]")


def test_import_by_upload(page_for, workspace):
    page = page_for()
    page.goto(workspace.url + "/importer")
    page.set_input_files("#form-files input[type=file]", [str(TRANSCRIPTS / "p02_prose_coop_solidarite_sante.txt")])
    page.click("#form-files button")
    page.wait_for_selector("text=Import lancé")
    deadline = time.time() + 240
    while time.time() < deadline:
        page.reload()
        state = page.locator("#jobs tbody tr").first.locator(".state").inner_text()
        if state != "en cours":
            break
        time.sleep(2)
    row = page.locator("#jobs tbody tr").first.inner_text()
    assert "terminé" in row and "1 fiche(s) lue(s)" in row, row
    assert not any((workspace.var_dir / "workspace" / "imports").iterdir())  # uploads deleted


def test_tablet_screenshot(page_for, workspace):
    page = page_for(width=820, height=1180)
    assert page.locator("#leads").is_visible()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "workspace-tablet.png"), full_page=False)
        page.goto(workspace.url + "/pistes?q=rimouski")  # a lead without consent: contact masked
        page.locator("#leads tbody tr a").first.click()
        page.wait_for_url("**/pistes/*")
        page.screenshot(path=str(Path(SHOTS) / "workspace-lead-tablet.png"), full_page=False)
