"""Accounts, passwords, failed-login throttling and CSRF tokens.

* Passwords: Argon2id (argon2-cffi's PasswordHasher, its current default parameters); a hash
  made with older parameters is upgraded at the next successful login.
* Throttling: 5 failed logins on one account (or 20 from one address) within 15 minutes lock
  that account (or address) for 15 minutes, even with the right password; every failure also
  waits a little longer than the previous one (slow-down). Keys never contain the e-mail.
* CSRF: one random token per session (synchronizer token), required on every POST form,
  compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from common.contact import normalize_email
from knowledge import clock
from workspace.db import session_scope
from workspace.models import ROLES, Account, Throttle

MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)
ROLE_ALIASES = {
    "advisor": "advisor",
    "conseiller": "advisor",
    "conseillere": "advisor",
    "conseillère": "advisor",
    "admin": "admin",
    "administrateur": "admin",
    "administratrice": "admin",
}

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so that the answer takes as long as for a known one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, ~120 bits


def role_of(value: str) -> Optional[str]:
    return ROLE_ALIASES.get((value or "").strip().lower())


class AccountError(ValueError):
    pass


def create_account(email: str, role: str, regions: str = "", password: Optional[str] = None, engine=None):
    """Create an account; returns (account id, the password in clear — shown once, never stored)."""
    email_n = normalize_email(email or "")
    if not email_n:
        raise AccountError(f"Adresse courriel invalide : {email!r}")
    role_n = role_of(role)
    if role_n not in ROLES:
        raise AccountError("Rôle inconnu : choisissez « conseiller » ou « administrateur ».")
    password = password or generate_password()
    with session_scope(engine) as s:
        if s.execute(sa.select(Account.id).where(Account.email == email_n)).first():
            raise AccountError(f"Un compte existe déjà pour {email_n}.")
        account = Account(
            email=email_n,
            password_hash=hash_password(password),
            role=role_n,
            regions=",".join(r.strip() for r in (regions or "").split(",") if r.strip()),
            active=True,
            created_at=clock.utcnow(),
            session_version=1,
        )
        s.add(account)
        s.flush()
        return account.id, password


def reset_password(account_id: int, engine=None) -> str:
    password = generate_password()
    with session_scope(engine) as s:
        account = s.get(Account, account_id)
        if account is None:
            raise AccountError("Compte introuvable.")
        account.password_hash = hash_password(password)
        account.session_version += 1
    return password


def account_key(email: str) -> str:
    folded = (email or "").strip().lower()
    return "compte:" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:40]


def address_key(address: str) -> str:
    return "ip:" + (address or "inconnue")[:60]


@dataclass
class LoginResult:
    account_id: Optional[int] = None
    session_version: int = 0
    locked: bool = False
    delay: float = 0.0  # seconds the caller waits before answering a failure


def _row(s, key: str) -> Throttle:
    row = s.get(Throttle, key)
    if row is None:
        row = Throttle(key=key, failures=0)
        s.add(row)
    return row


def _locked(row: Optional[Throttle], now: dt.datetime) -> bool:
    return bool(row and row.locked_until and row.locked_until > now)


def _fail(row: Throttle, now: dt.datetime, limit: int) -> None:
    if not row.first_failure_at or now - row.first_failure_at > WINDOW:
        row.first_failure_at, row.failures = now, 0
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCK


def check_login(email: str, password: str, address: str, engine=None) -> LoginResult:
    now = clock.utcnow()
    akey, ikey = account_key(email), address_key(address)
    with session_scope(engine) as s:
        arow, irow = s.get(Throttle, akey), s.get(Throttle, ikey)
        if _locked(arow, now) or _locked(irow, now):
            return LoginResult(locked=True, delay=1.0)
        email_n = normalize_email(email or "") or ""
        account = s.execute(sa.select(Account).where(Account.email == email_n)).scalar_one_or_none()
        ok = False
        try:
            ok = _hasher.verify(account.password_hash if account else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and account is not None and account.active:
            if _hasher.check_needs_rehash(account.password_hash):
                account.password_hash = hash_password(password)
            if arow is not None:
                s.delete(arow)
            return LoginResult(account_id=account.id, session_version=account.session_version)
        arow, irow = _row(s, akey), _row(s, ikey)
        _fail(arow, now, MAX_ACCOUNT_FAILURES)
        _fail(irow, now, MAX_ADDRESS_FAILURES)
        return LoginResult(locked=_locked(arow, now) or _locked(irow, now), delay=min(0.25 * arow.failures, 2.0))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))
