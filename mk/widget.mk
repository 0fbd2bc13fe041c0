# Chat widget, demo partner site, browser tests and screenshots (included by the Makefile).
#   make install-browser  Debian chromium (+ Inter font) and the Playwright client
#   make demo             demo partner site + widget on http://localhost:8080/ (Rasa expected on :5005)
#   make test-browser     browser tests (headless chromium, real bot started by the fixture)
#   make screenshots      docs/screenshots/widget-{desktop,phone}.png
.PHONY: install-browser demo test-browser screenshots

VIRAGE_WEB_PORT ?= 8080
VIRAGE_RASA_URL ?= http://localhost:5005

install-browser: install
	@bash scripts/install_browser.sh

demo: install
	@$(PY) -m web.server --port $(VIRAGE_WEB_PORT) --rasa-url $(VIRAGE_RASA_URL)

test-browser: install install-browser kb train
	@$(PY) -m pytest tests/web -q -p no:cacheprovider

screenshots: install install-browser kb train
	@$(PY) tests/web/screenshots.py --out docs/screenshots
