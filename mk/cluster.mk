# The scaled deployment on this machine (issue 22). Included by the main Makefile (`-include mk/*.mk`).
#   make run-cluster   PostgreSQL + Redis + N Rasa servers + M action servers behind HAProxy
#                      (scripts/cluster.sh; settings VIRAGE_CLUSTER_*, see README « Déploiement à
#                      plusieurs serveurs »). Ctrl-C stops every process it started.
#   make bench-scale   load (Locust, headless) on 1 then 2 Rasa servers, the same-visitor bursts,
#                      the faults, and the tracker store's integrity per visitor (bench/scale.py)
# Extra options: SCALE_ARGS="--users 20 --duration 60 --bursts 200 ..." (python -m bench.scale -h).
SCALE_ARGS ?=

.PHONY: run-cluster bench-scale

run-cluster: install train
	@bash scripts/install_services.sh
	@bash scripts/cluster.sh

bench-scale: install train
	@bash scripts/install_services.sh
	@$(PY) -m bench.scale $(SCALE_ARGS)
