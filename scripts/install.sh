#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned requirements.
# Idempotent: re-installs only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.requirements.sha256"

is_py310() { [ -n "${1:-}" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidate
  for candidate in "${VIRAGE_PYTHON:-}" python3.10 python3 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && is_py310 "$(command -v "$candidate")"; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.10.*/bin/python 2>/dev/null | sort -V -r); do
      if is_py310 "$candidate"; then echo "$candidate"; return 0; fi
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if is_py310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! is_py310 "$VENV/bin/python"; then
  PY=$(find_python) || {
    echo "ERREUR : Python 3.10 est introuvable (Rasa 3.6 l'exige ; 3.11 ne fonctionne pas)." >&2
    echo "Installez-le (par ex. 'pyenv install 3.10.13') ou indiquez-le avec VIRAGE_PYTHON=/chemin/vers/python3.10." >&2
    exit 1
  }
  echo "Création de l'environnement virtuel avec $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

WANT=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "Installation des dépendances Python (peut prendre quelques minutes la première fois)…"
  "$VENV/bin/python" -m pip install --quiet --upgrade "pip<24.1" >/dev/null
  args=(); for f in requirements*.txt; do args+=(-r "$f"); done
  "$VENV/bin/python" -m pip install --quiet "${args[@]}" 2>&1 | grep -v "^WARNING: Location" || true
  "$VENV/bin/python" -m pip check
  echo "$WANT" > "$STAMP"
fi
