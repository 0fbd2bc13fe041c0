# Performance benchmark (bench/). Included by the main Makefile (`-include mk/*.mk`).
#   make bench          everything below + the other parts' benches when present; table on
#                       stdout, figures in results/bench.json (git-ignored). On 2 shared cores:
#                       nlu ~6 min, snips ~20 min (each pipeline trained with 3 seeds; Rasa's
#                       default DIET: 100 epochs, 2 transformer layers), server ~10-13 min;
#                       plus `train` when stale and bench-prescreen.
#   make bench-nlu      one timed full training + held-out intent accuracy / macro-F1
#   make bench-snips    config.yml vs Rasa's default pipeline on SNIPS-FR (clean / misspelt)
#   make bench-snips-cv the same two pipelines by 5-fold cross-validation on SNIPS-FR's 552
#                       training sentences (test part unused), compared sentence by sentence
#                       with McNemar's exact test; ~25 min (not part of `make bench`)
#   make bench-nlu-cv   config.yml by 5-fold cross-validation on data/nlu (tests/nlu/ unused):
#                       right / wrong / fallback, keyboard-mash rejection, weakest intents;
#                       BENCH_ARGS="--against other.yml" also trains that config on the same
#                       folds and compares the two at equal mash rejection; ~12 min per config
#                       (not part of `make bench`)
#   make bench-server   REST latency p50/p95, load time, RSS vs Rasa's starter bot
#   make bench-quick    smoke run of the three (few epochs, 60 messages; figures not comparable)
# Extra options: BENCH_ARGS="--messages 200 --concurrency 10 ..." (see `python -m bench -h`).
BENCH_ARGS ?=
# Through a variable of our own: a recipe line that names $(MAKE) itself is run even by
# `make -n`, which would start the whole benchmark on a dry run.
BENCH_SUBMAKE = $(MAKE)

.PHONY: bench bench-nlu bench-snips bench-snips-cv bench-nlu-cv bench-server bench-quick

bench: install kb train
	@status=0; \
	$(PY) -m bench all $(BENCH_ARGS) || status=$$?; \
	echo; \
	if $(PY) -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('knowledge.bench') else 1)" 2>/dev/null; then \
	  echo "== knowledge engine latency (python -m knowledge.bench) =="; \
	  $(PY) -m knowledge.bench || status=1; \
	else \
	  echo "note: knowledge.bench is not there yet: knowledge-engine latency skipped"; \
	fi; \
	if [ -n "$(filter bench-prescreen,$^)" ]; then \
	  echo "note: pre-screening throughput (bench-prescreen) ran first, as a prerequisite of bench (mk/leads.mk)"; \
	elif grep -qsE '^bench-prescreen[[:space:]]*:' mk/*.mk; then \
	  echo "== pre-screening throughput (make bench-prescreen) =="; \
	  $(BENCH_SUBMAKE) --no-print-directory bench-prescreen || status=1; \
	else \
	  echo "note: no bench-prescreen target (mk/leads.mk) yet: pre-screening throughput skipped"; \
	fi; \
	exit $$status

bench-nlu: install
	@$(PY) -m bench nlu $(BENCH_ARGS)

bench-snips: install
	@$(PY) -m bench snips $(BENCH_ARGS)

bench-snips-cv: install
	@$(PY) -m bench snips-cv $(BENCH_ARGS)

bench-nlu-cv: install
	@$(PY) -m bench nlu-cv $(BENCH_ARGS)

bench-server: install kb train
	@$(PY) -m bench server $(BENCH_ARGS)

bench-quick: install
	@$(PY) -m bench all --quick $(BENCH_ARGS)

# make bench-answers   the bot's answers to the blind question banks (bench/answer_bank/dev*.yml,
#                      sealed*.yml), judged end to end through a real Rasa + action server on loopback:
#                      right / incomplete / wrong_fact / invented / misunderstood / dialogue_failure per
#                      kind and style, screening conversations, knowledge-base reach. Sealed questions
#                      and answers are never printed nor stored (ids and verdicts only). Details in
#                      results/bench-answers.json; ~15-20 min for ~400 items (not part of `make bench`).
#                      BENCH_ARGS="--bank dev --limit 20" for a partial run.
.PHONY: bench-answers
bench-answers: install kb train
	@$(PY) -m bench answers $(BENCH_ARGS)
