# Advisors' workspace (workspace/): web application on http://127.0.0.1:8090/ (started by `make run`).
#   make workspace                         the workspace alone
#   make advisor-add EMAIL=… ROLE=…        creates an account, prints a generated password once
#                                          (ROLE: conseiller | administrateur; REGIONS=id1,id2 optional)
#   make bench-workspace [N=10000]         leads list page time with N leads (p50/p95), part of `make bench`
#   make screenshots-workspace             docs/screenshots/workspace-*.png
.PHONY: workspace advisor-add bench-workspace

VIRAGE_WORKSPACE_PORT ?= 8090

workspace: install kb
	@$(PY) -m workspace serve --port $(VIRAGE_WORKSPACE_PORT)

advisor-add: install
	@if [ -z "$(EMAIL)" ]; then echo "Indiquez EMAIL=… (et ROLE=conseiller|administrateur)" >&2; exit 2; fi
	@$(PY) -m workspace advisor-add --email "$(EMAIL)" --role "$(or $(ROLE),conseiller)" $(if $(REGIONS),--regions "$(REGIONS)")

bench-workspace: install
	@$(PY) -m workspace bench --n $(or $(N),10000)

# `make bench` also times the workspace's leads list.
bench: bench-workspace

# Screenshots of the workspace (desktop, tablet) into docs/screenshots/, by its browser tests.
.PHONY: screenshots-workspace
screenshots-workspace: install install-browser kb train
	@VIRAGE_WS_SCREENSHOTS=$(CURDIR)/docs/screenshots $(PY) -m pytest tests/workspace/test_browser.py -q -p no:cacheprovider
