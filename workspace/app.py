"""The advisors' workspace, a Starlette application.

Every route but the login page requires a signed-in account (``protected``); POST routes
also require the session's CSRF token. Pages are Jinja2 templates (autoescaped); the style
sheet is inlined and allowed by its hash in the Content-Security-Policy, so nothing at all is
served to an anonymous visitor except the login form.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlencode

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from common.contact import mask_contacts
from knowledge import clock, paths
from leads.store import EVENTS_TABLE, forget
from prescreen.knowledge_glue import FIELD_LABEL
from workspace import audit, auth, export, importer, queries, ratings, unanswered
from workspace.db import get_engine, session_scope
from workspace.models import ROLE_LABEL, STATUS_LABEL, STATUSES, Account, Audit, ImportJob, Note, StatusChange, WsLead

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "virage_espace"
SESSION_HOURS = 8
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CSS = (HERE / "workspace.css").read_text(encoding="utf-8")
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode()
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src '{CSS_HASH}'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(
    CSS=CSS,
    FIELD_LABEL=FIELD_LABEL,
    STATUS_LABEL=STATUS_LABEL,
    STATUSES=STATUSES,
    ROLE_LABEL=ROLE_LABEL,
    VERDICT_LABEL=queries.VERDICT_LABEL,
    ACTION_LABEL=audit.ACTION_LABEL,
)


def _secret_key() -> str:
    """VIRAGE_WORKSPACE_SECRET, else a random key kept in var/ (mode 600) across restarts."""
    env = os.environ.get("VIRAGE_WORKSPACE_SECRET", "").strip()
    if env:
        return env
    path = paths.VAR_DIR / "workspace_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _secure_cookie() -> bool:
    # Secure by default; browsers keep Secure cookies on http://localhost and 127.0.0.1.
    return os.environ.get("VIRAGE_WORKSPACE_INSECURE_COOKIE", "") != "1"


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("account", getattr(request.state, "account", None))
    context["csrf_token"] = request.session.get("csrf", "")
    context["request"] = request
    return templates.TemplateResponse(request, name, context, status_code=status)


def error(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status=status, message=message)


def current_account(request: Request) -> Optional[Account]:
    uid, version = request.session.get("uid"), request.session.get("ver")
    if not uid:
        return None
    with session_scope() as s:
        account = s.get(Account, uid)
        if account is None or not account.active or account.session_version != version:
            return None
        s.expunge(account)
        return account


def protected(role: Optional[str] = None):
    """Signed-in account required (GET: to the login page; otherwise 401); ``role="admin"``:
    administrators only (403). POST: the form's csrf_token must be the session's (403)."""

    def wrap(endpoint):
        @functools.wraps(endpoint)
        async def inner(request: Request):
            account = current_account(request)
            if account is None:
                request.session.pop("uid", None)
                if request.method == "GET":
                    nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse("/connexion?" + urlencode({"suite": nxt}), status_code=303)
                return error(request, 401, "Connectez-vous d'abord.")
            request.state.account = account
            if role and account.role != role:
                return error(request, 403, "Cette page est réservée aux administrateurs.")
            if request.method == "POST":
                length = int(request.headers.get("content-length") or 0)
                if length > MAX_UPLOAD_BYTES:
                    return error(request, 413, "Envoi trop volumineux (20 Mo au plus).")
                form = await request.form(max_files=500, max_fields=200)
                if not auth.csrf_ok(request.session.get("csrf"), form.get("csrf_token")):
                    return error(request, 403, "Formulaire expiré ou invalide : rechargez la page et recommencez.")
                request.state.form = form
            return await endpoint(request)

        inner.protected = role or "account"
        return inner

    return wrap


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "inconnue"


def _lead_id(request: Request) -> Optional[int]:
    try:
        return int(request.path_params["lead_id"])
    except (KeyError, ValueError):
        return None


def _accounts(s) -> List[Account]:
    return list(s.execute(sa.select(Account).where(Account.active.is_(True)).order_by(Account.email)).scalars())


def _regions(s) -> List[Dict[str, str]]:
    rows = s.execute(sa.select(WsLead.region, WsLead.region_label).where(WsLead.region.isnot(None)).distinct()).all()
    return sorted(({"id": r, "label": lbl or r} for r, lbl in rows), key=lambda x: x["label"])


# --------------------------------------------------------------------------------------
# login
# --------------------------------------------------------------------------------------
def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/pistes"


async def login_page(request: Request):
    if current_account(request) is not None:
        return RedirectResponse("/pistes", status_code=303)
    request.session.setdefault("csrf", auth.new_csrf_token())
    return page(request, "login.html", suite=_safe_next(request.query_params.get("suite", "/pistes")))


async def login(request: Request):
    if int(request.headers.get("content-length") or 0) > 10_000:
        return error(request, 413, "Formulaire trop volumineux.")
    form = await request.form(max_files=0, max_fields=10)
    suite = _safe_next(str(form.get("suite") or "/pistes"))
    if not auth.csrf_ok(request.session.get("csrf"), form.get("csrf_token")):
        request.session["csrf"] = auth.new_csrf_token()
        return page(
            request, "login.html", status=403, suite=suite, message="Formulaire expiré ou invalide : recommencez."
        )
    email, password = str(form.get("email") or "")[:254], str(form.get("password") or "")[:1000]
    result = await asyncio.to_thread(auth.check_login, email, password, _client_address(request))
    if result.account_id is None:
        await asyncio.sleep(result.delay)
        with session_scope() as s:
            audit.record(
                s, None, "login_failed", detail="compte verrouillé" if result.locked else "mot de passe refusé"
            )
        if result.locked:
            message = "Trop de tentatives échouées : connexion bloquée pendant 15 minutes."
            return page(request, "login.html", status=429, suite=suite, message=message, email=email)
        return page(
            request, "login.html", status=401, suite=suite, email=email, message="Courriel ou mot de passe incorrect."
        )
    request.session.clear()  # a fresh session: no fixation
    request.session.update(uid=result.account_id, ver=result.session_version, csrf=auth.new_csrf_token())
    with session_scope() as s:
        audit.record(s, s.get(Account, result.account_id), "login")
    return RedirectResponse(suite, status_code=303)


@protected()
async def logout(request: Request):
    with session_scope() as s:
        audit.record(s, request.state.account, "logout")
    request.session.clear()
    return RedirectResponse("/connexion", status_code=303)


@protected()
async def home(request: Request):
    return RedirectResponse("/pistes", status_code=303)


# --------------------------------------------------------------------------------------
# leads
# --------------------------------------------------------------------------------------
@protected()
async def leads_list(request: Request):
    account = request.state.account
    filters = queries.Filters.from_query(request.query_params)
    with session_scope() as s:
        rows, total = queries.page(s, filters, account)
        accounts = _accounts(s)
        regions = _regions(s)
    emails = {a.id: a.email for a in accounts}
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return page(
        request,
        "leads.html",
        rows=rows,
        total=total,
        filters=filters,
        pages=pages,
        accounts=accounts,
        emails=emails,
        regions=regions,
        qs=lambda **kw: urlencode(filters.query_items(**kw)),
    )


async def _export(request: Request, kind: str):
    account = request.state.account
    filters = queries.Filters.from_query(request.query_params)
    with session_scope() as s:
        leads = queries.all_leads(s, filters, account)
        emails = {a.id: a.email for a in s.execute(sa.select(Account)).scalars()}
        body = export.to_csv(leads, emails) if kind == "csv" else export.to_json(leads, emails)
        audit.record(
            s,
            account,
            "export",
            target="pistes",
            detail=f"{kind.upper()} : {len(leads)} piste(s) ; {filters.describe()}",
        )
    stamp = clock.utcnow().strftime("%Y%m%d-%H%M")
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/json"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="pistes-{stamp}.{kind}"'}
    )


@protected()
async def export_csv(request: Request):
    return await _export(request, "csv")


@protected()
async def export_json(request: Request):
    return await _export(request, "json")


def conversation(s, lead: WsLead) -> List[Dict[str, str]]:
    """The turns shown on the page: the tracker store's (read now: `forget` there removes
    them) or the imported file's; contact details masked unless consent."""
    if lead.input_kind == "tracker_store" and lead.sender_id:
        conn = s.connection()
        if not sa.inspect(conn).has_table("events"):
            return []
        rows = s.execute(
            sa.select(EVENTS_TABLE.c.data).where(EVENTS_TABLE.c.sender_id == lead.sender_id).order_by(EVENTS_TABLE.c.id)
        ).scalars()
        turns = []
        for data in rows:
            try:
                ev = json.loads(data)
            except ValueError:
                continue
            if ev.get("event") in ("user", "bot") and ev.get("text"):
                turns.append({"speaker": ev["event"], "text": ev["text"]})
    else:
        turns = list(lead.turns or [])
    if not lead.consent:
        turns = [{**t, "text": mask_contacts(t["text"])} for t in turns]
    return turns


@protected()
async def lead_page(request: Request):
    account = request.state.account
    lead_id = _lead_id(request)
    with session_scope() as s:
        lead = queries.visible(s, lead_id, account) if lead_id else None
        if lead is None:
            return error(request, 404, "Piste introuvable (ou hors de votre territoire).")
        audit.record(s, account, "view", target=f"piste {lead.id}")
        context = dict(
            lead=lead,
            card=lead.card,
            turns=conversation(s, lead),
            notes=[(n.created_at, n.author.email if n.author else "—", n.text) for n in lead.notes],
            history=[(h.at, h.by.email if h.by else "—", h.old, h.new, h.reason) for h in lead.history],
            accounts=_accounts(s),
            assignee=lead.assignee.email if lead.assignee else None,
            flash=request.session.pop("flash", None),
        )
        return page(request, "lead.html", **context)


def _back(lead_id: int, flash: Optional[str], request: Request) -> RedirectResponse:
    if flash:
        request.session["flash"] = flash
    return RedirectResponse(f"/pistes/{lead_id}", status_code=303)


@protected()
async def lead_status(request: Request):
    account, form = request.state.account, request.state.form
    new, reason = str(form.get("statut") or ""), " ".join(str(form.get("raison") or "").split())[:1000]
    if new not in STATUSES:
        return error(request, 400, "Statut inconnu.")
    if not reason:
        return error(request, 400, "Indiquez la raison du changement de statut.")
    with session_scope() as s:
        lead = queries.visible(s, _lead_id(request) or 0, account)
        if lead is None:
            return error(request, 404, "Piste introuvable.")
        old = lead.status
        lead.status = new
        lead.history.append(StatusChange(by_id=account.id, at=clock.utcnow(), old=old, new=new, reason=reason))
        audit.record(
            s,
            account,
            "change",
            target=f"piste {lead.id}",
            detail=f"statut : {STATUS_LABEL.get(old, old)} → {STATUS_LABEL[new]}",
        )
        lead_id = lead.id
    return _back(lead_id, f"Statut changé : {STATUS_LABEL[new]}.", request)


@protected()
async def lead_assign(request: Request):
    account, form = request.state.account, request.state.form
    raw = str(form.get("conseiller") or "")
    with session_scope() as s:
        lead = queries.visible(s, _lead_id(request) or 0, account)
        if lead is None:
            return error(request, 404, "Piste introuvable.")
        target = None
        if raw:
            try:
                target = s.get(Account, int(raw))
            except ValueError:
                target = None
            if target is None or not target.active:
                return error(request, 400, "Conseiller inconnu.")
        lead.assigned_to = target.id if target else None
        audit.record(
            s,
            account,
            "change",
            target=f"piste {lead.id}",
            detail=f"assignée à {target.email}" if target else "assignation retirée",
        )
        lead_id, who = lead.id, target.email if target else None
    return _back(lead_id, f"Piste assignée à {who}." if who else "Assignation retirée.", request)


@protected()
async def lead_note(request: Request):
    account, form = request.state.account, request.state.form
    text = str(form.get("note") or "").strip()[:5000]
    if not text:
        return error(request, 400, "La note est vide.")
    with session_scope() as s:
        lead = queries.visible(s, _lead_id(request) or 0, account)
        if lead is None:
            return error(request, 404, "Piste introuvable.")
        lead.notes.append(Note(author_id=account.id, created_at=clock.utcnow(), text=text))
        audit.record(s, account, "change", target=f"piste {lead.id}", detail="note ajoutée")
        lead_id = lead.id
    return _back(lead_id, "Note ajoutée.", request)


@protected()
async def lead_forget(request: Request):
    """« Oublier cette personne » : what `make forget` does (leads.store.forget: contact
    records, consents, conversations in the tracker store), plus the workspace's leads of
    that conversation with their notes. The log keeps counts, never the data."""
    account, form = request.state.account, request.state.form
    if form.get("confirmer") != "oui":
        return error(request, 400, "Cochez la case de confirmation pour oublier cette personne.")
    with session_scope() as s:
        lead = queries.visible(s, _lead_id(request) or 0, account)
        if lead is None:
            return error(request, 404, "Piste introuvable.")
        contact = (lead.card or {}).get("contact") or {}
        email = contact.get("email") if lead.consent else None
        phone = contact.get("phone") if lead.consent else None
        sender, lead_id = lead.sender_id, lead.id
    report = None
    if email or phone or sender:
        try:
            report = forget(email=email, phone=phone, sender_id=sender, engine=get_engine())
        except ValueError:  # a contact the card holds but that does not normalise: by conversation only
            report = forget(sender_id=sender, engine=get_engine()) if sender else None
    with session_scope() as s:
        targets = [s.get(WsLead, lead_id)]
        if sender:
            targets += (
                s.execute(sa.select(WsLead).where(WsLead.sender_id == sender, WsLead.id != lead_id)).scalars().all()
            )
        if report is not None:
            conv_ids = list(report.conversations)
            if conv_ids:
                targets += s.execute(sa.select(WsLead).where(WsLead.sender_id.in_(conv_ids))).scalars().all()
        removed = {t.id for t in targets if t is not None}
        for t in {t.id: t for t in targets if t is not None}.values():
            s.delete(t)
        detail = f"oubli d'une personne : {len(removed)} piste(s) de l'espace"
        if report is not None:
            detail += (
                f", {len(report.leads)} fiche(s) de contact, {report.consents} consentement(s), "
                f"{len(report.conversations)} conversation(s) ({sum(report.conversations.values())} événements)"
            )
        audit.record(s, account, "delete", target=f"piste {lead_id}", detail=detail)
    request.session["flash"] = f"Personne oubliée : {detail.split(' : ', 1)[1]}."
    return RedirectResponse("/pistes", status_code=303)


# --------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------
def _start_worker(job_id: int, args: List[str]) -> None:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(paths.REPO_ROOT))
    log = (
        open(paths.VAR_DIR / "log" / "workspace-import.log", "ab")
        if (paths.VAR_DIR / "log").is_dir()
        else subprocess.DEVNULL
    )
    subprocess.Popen(
        [sys.executable, "-m", "workspace", "import", "--job", str(job_id), *args],
        cwd=str(paths.REPO_ROOT),
        env=env,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


@protected()
async def import_page(request: Request):
    with session_scope() as s:
        jobs = list(s.execute(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(10)).scalars())
    return page(request, "import.html", jobs=jobs, flash=request.session.pop("flash", None))


def _new_job(account: Account, origin: str) -> int:
    with session_scope() as s:
        job = ImportJob(started_at=clock.utcnow(), by_id=account.id, origin=origin, state="running")
        s.add(job)
        s.flush()
        audit.record(s, account, "import", target=f"import {job.id}", detail=origin)
        return job.id


@protected()
async def import_files(request: Request):
    account, form = request.state.account, request.state.form
    uploads = [f for f in form.getlist("fichiers") if hasattr(f, "filename") and f.filename]
    if not uploads:
        return error(request, 400, "Choisissez au moins un fichier (ou un dossier).")
    folder = importer.uploads_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    for i, upload in enumerate(uploads):
        name = Path(upload.filename.replace("\\", "/")).name or f"fichier-{i}"
        name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or f"fichier-{i}"
        target = folder / name
        if target.exists():
            target = folder / f"{i}-{name}"
        target.write_bytes(await upload.read())
    job_id = _new_job(account, f"fichiers ({len(uploads)})")
    _start_worker(job_id, ["--in", str(folder)])
    request.session["flash"] = f"Import lancé : {len(uploads)} fichier(s). La lecture prend une minute environ."
    return RedirectResponse("/importer", status_code=303)


@protected()
async def import_tracker(request: Request):
    job_id = _new_job(request.state.account, "conversations du bot")
    _start_worker(job_id, ["--from-tracker"])
    request.session["flash"] = "Lecture des conversations du bot lancée ; elle prend une minute environ."
    return RedirectResponse("/importer", status_code=303)


# --------------------------------------------------------------------------------------
# unanswered questions
# --------------------------------------------------------------------------------------
@protected()
async def unanswered_page(request: Request):
    with session_scope() as s:
        report = unanswered.report(s)
    return page(request, "unanswered.html", report=report)


@protected()
async def ratings_page(request: Request):
    with session_scope() as s:
        report = ratings.report(s)
    return page(request, "ratings.html", report=report)


# --------------------------------------------------------------------------------------
# administration
# --------------------------------------------------------------------------------------
@protected("admin")
async def accounts_page(request: Request):
    with session_scope() as s:
        accounts = list(s.execute(sa.select(Account).order_by(Account.email)).scalars())
        regions = _regions(s)
    return page(
        request,
        "accounts.html",
        accounts=accounts,
        regions=regions,
        created=request.session.pop("created", None),
        flash=request.session.pop("flash", None),
    )


@protected("admin")
async def accounts_create(request: Request):
    account, form = request.state.account, request.state.form
    try:
        new_id, password = auth.create_account(
            str(form.get("email") or ""), str(form.get("role") or ""), ",".join(form.getlist("regions"))
        )
    except auth.AccountError as exc:
        request.session["flash"] = str(exc)
        return RedirectResponse("/admin/comptes", status_code=303)
    with session_scope() as s:
        created = s.get(Account, new_id)
        audit.record(
            s, account, "account", target=f"compte {new_id}", detail=f"compte créé ({ROLE_LABEL[created.role]})"
        )
        request.session["created"] = {"email": created.email, "password": password}
    return RedirectResponse("/admin/comptes", status_code=303)


def _account_id(request: Request) -> int:
    try:
        return int(request.path_params["account_id"])
    except ValueError:
        return 0


@protected("admin")
async def accounts_toggle(request: Request):
    account = request.state.account
    target_id = _account_id(request)
    if target_id == account.id:
        return error(request, 400, "Vous ne pouvez pas désactiver votre propre compte.")
    with session_scope() as s:
        target = s.get(Account, target_id)
        if target is None:
            return error(request, 404, "Compte introuvable.")
        target.active = not target.active
        target.session_version += 1
        audit.record(
            s,
            account,
            "account",
            target=f"compte {target.id}",
            detail="compte réactivé" if target.active else "compte désactivé",
        )
    return RedirectResponse("/admin/comptes", status_code=303)


@protected("admin")
async def accounts_reset(request: Request):
    account = request.state.account
    try:
        password = auth.reset_password(_account_id(request))
    except auth.AccountError as exc:
        return error(request, 404, str(exc))
    with session_scope() as s:
        target = s.get(Account, _account_id(request))
        audit.record(s, account, "account", target=f"compte {target.id}", detail="mot de passe réinitialisé")
        request.session["created"] = {"email": target.email, "password": password}
    return RedirectResponse("/admin/comptes", status_code=303)


@protected("admin")
async def audit_page(request: Request):
    with session_scope() as s:
        entries = list(s.execute(sa.select(Audit).order_by(Audit.id.desc()).limit(500)).scalars())
        audit.record(s, request.state.account, "view", target="journal")
    return page(request, "audit.html", entries=entries)


@protected("admin")
async def audit_export(request: Request):
    with session_scope() as s:
        entries = list(s.execute(sa.select(Audit).order_by(Audit.id)).scalars())
        body = audit.to_csv(entries)
        audit.record(s, request.state.account, "export", target="journal", detail=f"{len(entries)} entrée(s)")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="journal.csv"'},
    )


# --------------------------------------------------------------------------------------
# application
# --------------------------------------------------------------------------------------
ROUTES = [
    Route("/connexion", login_page, methods=["GET"]),
    Route("/connexion", login, methods=["POST"]),
    Route("/deconnexion", logout, methods=["POST"]),
    Route("/", home, methods=["GET"]),
    Route("/pistes", leads_list, methods=["GET"]),
    Route("/pistes/export.csv", export_csv, methods=["GET"]),
    Route("/pistes/export.json", export_json, methods=["GET"]),
    Route("/pistes/{lead_id}", lead_page, methods=["GET"]),
    Route("/pistes/{lead_id}/statut", lead_status, methods=["POST"]),
    Route("/pistes/{lead_id}/assigner", lead_assign, methods=["POST"]),
    Route("/pistes/{lead_id}/notes", lead_note, methods=["POST"]),
    Route("/pistes/{lead_id}/oublier", lead_forget, methods=["POST"]),
    Route("/importer", import_page, methods=["GET"]),
    Route("/importer/fichiers", import_files, methods=["POST"]),
    Route("/importer/conversations", import_tracker, methods=["POST"]),
    Route("/questions", unanswered_page, methods=["GET"]),
    Route("/avis", ratings_page, methods=["GET"]),
    Route("/admin/comptes", accounts_page, methods=["GET"]),
    Route("/admin/comptes", accounts_create, methods=["POST"]),
    Route("/admin/comptes/{account_id}/activation", accounts_toggle, methods=["POST"]),
    Route("/admin/comptes/{account_id}/mot-de-passe", accounts_reset, methods=["POST"]),
    Route("/admin/journal", audit_page, methods=["GET"]),
    Route("/admin/journal/export.csv", audit_export, methods=["GET"]),
]
PUBLIC = {"/connexion"}


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode().lower() not in {h.lower() for h in SECURITY_HEADERS}
                ]
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app() -> Starlette:
    get_engine()  # tables
    importer.purge_expired()
    return Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=_secret_key(),
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_HOURS * 3600,
                same_site="strict",
                https_only=_secure_cookie(),
            ),
        ],
        exception_handlers={404: _not_found, 405: _not_allowed, 500: _server_error},
    )


async def _not_found(request: Request, exc) -> Response:
    if current_account(request) is None:
        return RedirectResponse("/connexion", status_code=303) if request.method == "GET" else Response(status_code=401)
    request.state.account = current_account(request)
    return error(request, 404, "Page introuvable.")


async def _not_allowed(request: Request, exc) -> Response:
    return Response("Méthode non permise.", status_code=405, media_type="text/plain; charset=utf-8")


async def _server_error(request: Request, exc) -> Response:
    return Response(
        "Erreur interne : l'incident est consigné.", status_code=500, media_type="text/plain; charset=utf-8"
    )
