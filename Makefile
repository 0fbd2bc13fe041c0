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

.PHONY: help install kb train run shell test bench clean actions

help:
	@echo "make run    — installe si besoin, construit la base, entraîne si besoin, démarre le bot"
	@echo "make test   — installe si besoin et lance toute la suite de tests"
	@echo "make bench  — mesures de performance (médianes et ratios)"
	@echo "make kb     — (re)construit la base de connaissances et affiche les comptes"
	@echo "make shell  — conversation dans le terminal"

install: .venv/.requirements.sha256
.venv/.requirements.sha256: $(wildcard requirements*.txt) scripts/install.sh
	@bash scripts/install.sh

kb: install
	@$(PY) -m knowledge.cli build

# Train only when an input changed (content hash), not on every run.
train: install
	@bash scripts/train_if_stale.sh

actions: install kb
	@$(PY) -m rasa_sdk --actions actions --port 5055

run: install kb train
	@bash scripts/run.sh

shell: install kb train
	@bash scripts/shell.sh

test: install install-browser kb train
	@bash scripts/test.sh

clean:
	rm -rf var models/*.tar.gz $(MODEL_STAMP) results .pytest_cache

-include mk/*.mk
