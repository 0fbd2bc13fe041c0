# Personal data masking on the corpus of tests/data/pii/ (bench/pii.py): masked rate, untouched
# rate of ordinary questions, masking time per message (median, p95).
.PHONY: bench-pii
bench-pii: install
	$(PY) -m bench.pii
