# Virage — entry points. `make run` and `make test` do all the set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
RASA := .venv/bin/rasa
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa/TensorFlow chatter we do not need on a console.
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
MODEL_STAMP := models/.trained.sha256
TRAIN_INPUTS := config.yml domain data knowledge/sources/vocabulary.yml

.PHONY: help install kb train run shell test lint bench clean actions

help:
	@echo "Virage — make <cible> (installe au besoin ce qui manque). Détails : README.md."
	@echo ""
	@echo "Utiliser"
	@echo "  make run               installe si besoin, construit la base, entraîne si besoin, démarre le bot"
	@echo "  make shell             conversation avec le bot dans le terminal"
	@echo "  make actions           serveur d'actions seul (127.0.0.1:5055, secret de var/secrets.env)"
	@echo "  make run-cluster       PostgreSQL, Redis, 2 serveurs Rasa, 2 serveurs d'actions derrière HAProxy (README)"
	@echo ""
	@echo "Tester"
	@echo "  make test              toute la suite : ruff, puis pytest tests (≈ 15 à 25 min)"
	@echo "  make lint              ruff : style et erreurs, puis mise en forme (réglages dans pyproject.toml)"
	@echo "  make test-browser      tests du widget dans Chromium sans écran (tests/web/)"
	@echo "  make test-postgres     toute la suite sur PostgreSQL (serveur à part, démarré puis arrêté)"
	@echo ""
	@echo "Mesurer (chiffres dans results/, historique dans docs/experiments.md)"
	@echo "  make bench             bench-nlu, -snips, -server, -prescreen et moteurs de connaissances (30 à 50 min)"
	@echo "  make bench-nlu         un entraînement chronométré, exactitude des intentions sur les jeux de test"
	@echo "  make bench-snips       pipeline du projet contre celui de Rasa sur SNIPS-FR, propre et avec fautes"
	@echo "  make bench-server      latence REST, temps de chargement et mémoire, contre le bot de départ de Rasa"
	@echo "  make bench-prescreen   débit de la pré-qualification [N=1000] [RUNS=3]"
	@echo "  make bench-quick       essai rapide de bench-nlu, bench-snips et bench-server (chiffres non comparables)"
	@echo "  make bench-nlu-cv      validation croisée sur data/nlu [BENCH_ARGS=\"--against autre.yml\"] (≈ 12 min)"
	@echo "  make bench-snips-cv    validation croisée sur SNIPS-FR, les deux pipelines comparés (≈ 25 min)"
	@echo "  make bench-answers     réponses jugées contre les sources, banques écrites à l'aveugle (≈ 5 min)"
	@echo "  make bench-scale       charge (Locust) sur 1 puis 2 serveurs Rasa, rafales d'un même visiteur, intégrité (≈ 8 min)"
	@echo "  make bench-pii         masquage des données personnelles : corpus tests/data/pii/, taux et temps"
	@echo ""
	@echo "Conseillers"
	@echo "  make prescreen         fiches de pistes : IN=<fichier ou dossier> OUT=<dossier> (sans IN : tracker store)"
	@echo "  make forget            efface une personne : FORGET_EMAIL=… | FORGET_PHONE=… | FORGET_SENDER=…"
	@echo "  make purge-leads       efface les pistes dont la conservation (12 mois) est échue"
	@echo "  make workspace         espace des conseillers seul, http://127.0.0.1:8090/"
	@echo "  make advisor-add       crée un compte : EMAIL=… ROLE=conseiller|administrateur ; affiche le mot de passe une fois"
	@echo "  make bench-workspace   temps de la liste des pistes avec 10 000 pistes (p95) [N=10000]"
	@echo ""
	@echo "Widget"
	@echo "  make demo              page de démonstration et widget seuls, port 8080 (serveur Rasa attendu sur :5005)"
	@echo "  make screenshots       captures du widget (bureau, téléphone) dans docs/screenshots/"
	@echo "  make screenshots-workspace  captures de l'espace des conseillers (bureau, tablette)"
	@echo "  make install-browser   Chromium, police Inter et Playwright pour les tests navigateur"
	@echo ""
	@echo "Maintenance"
	@echo "  make install           environnement .venv et dépendances (refait seulement si requirements*.txt change)"
	@echo "  make kb                valide les sources YAML, reconstruit la base de connaissances, affiche les comptes"
	@echo "  make train             entraîne le modèle si config.yml, domain/, data/ ou rasa_server/nlu/ ont changé"
	@echo "  make clean             efface var/, les modèles entraînés, results/ et le cache de pytest"
	@echo "  make help              cette liste"

install: .venv/.requirements.sha256
.venv/.requirements.sha256: $(wildcard requirements*.txt) scripts/install.sh
	@bash scripts/install.sh

kb: install
	@$(PY) -m knowledge.cli build

# Train only when an input changed (content hash), not on every run.
train: install
	@bash scripts/train_if_stale.sh

actions: install kb
	@source scripts/secrets.sh && exec $(PY) -m actions.server --port 5055

run: install kb train
	@bash scripts/run.sh

shell: install kb train
	@bash scripts/shell.sh

# Style and likely bugs (ruff, settings in pyproject.toml): part of `make test`, so CI fails on them.
lint: install
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

test: install install-browser kb train lint
	@bash scripts/test.sh

clean:
	rm -rf var models/*.tar.gz $(MODEL_STAMP) results .pytest_cache

-include mk/*.mk
