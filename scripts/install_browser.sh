#!/usr/bin/env bash
# Installs what the browser tests and `make screenshots` need, and nothing else:
#   - Debian's chromium (Playwright's own browser download is not used: CI has no access
#     to its CDN, and the distribution package gets security updates), plus fonts-inter
#     for the screenshots;
#   - the Playwright Python client, pinned in requirements-browser.txt (installed into
#     .venv by scripts/install.sh like every requirements*.txt; checked again here).
# Idempotent: does nothing when everything is present; runs `apt-get update` only when
# a package cannot be installed from the current package lists.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${VIRAGE_CHROMIUM:-/usr/bin/chromium}"

# Debian packages still missing: chromium itself, and for `make screenshots` a UI font
# (Inter) so that captures look like what visitors see with their system font.
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
has_inter() { command -v fc-list >/dev/null 2>&1 && fc-list : family 2>/dev/null | grep -qx "Inter"; }
has_inter || missing+=(fonts-inter)

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    if [ ! -x "$CHROMIUM" ]; then
      echo "ERREUR : $CHROMIUM est absent et apt-get n'est pas disponible." >&2
      echo "Installez Chromium puis indiquez son chemin avec VIRAGE_CHROMIUM=/chemin/vers/chromium." >&2
      exit 1
    fi
    missing=()  # only the font is missing: captures fall back to DejaVu Sans
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"
    elif [ -x "$CHROMIUM" ]; then
      echo "Note : fonts-inter absent (captures en DejaVu Sans) ; l'installer demande root." >&2
      missing=()
    else
      echo "ERREUR : installer ${missing[*]} demande les droits root (apt-get install)." >&2
      exit 1
    fi
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  echo "Installation des paquets Debian pour les tests navigateur : ${missing[*]}…"
  if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    # Package lists missing or stale (fresh CI image): refresh once, then retry.
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
  [ -x "$CHROMIUM" ] || { echo "ERREUR : $CHROMIUM toujours absent après installation." >&2; exit 1; }
fi

if ! .venv/bin/python -c 'import playwright' >/dev/null 2>&1; then
  echo "Installation du client Playwright (requirements-browser.txt)…"
  .venv/bin/python -m pip install --quiet -r requirements-browser.txt
fi
