#!/usr/bin/env bash
# Installs what the browser tests and `make screenshots` need, and nothing else:
#   - Debian's chromium (Playwright's own browser download is not used: CI has no access
#     to its CDN, and the distribution package gets security updates);
#   - the Playwright Python client, pinned in requirements-browser.txt (installed into
#     .venv by scripts/install.sh like every requirements*.txt; checked again here).
# Idempotent: does nothing when both are present; runs `apt-get update` only when the
# package cannot be installed from the current package lists.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${VIRAGE_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERREUR : $CHROMIUM est absent et apt-get n'est pas disponible." >&2
    echo "Installez Chromium puis indiquez son chemin avec VIRAGE_CHROMIUM=/chemin/vers/chromium." >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "ERREUR : installer chromium demande les droits root (apt-get install chromium)." >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  PKGS=(chromium fonts-dejavu-core)
  echo "Installation de Chromium (paquet Debian) pour les tests navigateur…"
  if ! $SUDO apt-get install -y --no-install-recommends "${PKGS[@]}" >/dev/null 2>&1; then
    # Package lists missing or stale (fresh CI image): refresh once, then retry.
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends "${PKGS[@]}" >/dev/null
  fi
  [ -x "$CHROMIUM" ] || { echo "ERREUR : $CHROMIUM toujours absent après installation." >&2; exit 1; }
fi

if ! .venv/bin/python -c 'import playwright' >/dev/null 2>&1; then
  echo "Installation du client Playwright (requirements-browser.txt)…"
  .venv/bin/python -m pip install --quiet -r requirements-browser.txt
fi
