# Lead capture and Law 25 commands (leads/), advisors' pre-screening (prescreen/). Included by the Makefile.
#   make prescreen IN=<fichier ou dossier> OUT=<dossier>   (sans IN : le tracker store)
#   make forget FORGET_EMAIL=a@b.ca | FORGET_PHONE="514 555-1234" | FORGET_SENDER=<sender_id>
#   make purge-leads                                        (fiches dont la conservation est échue)
#   make bench-prescreen [N=1000] [RUNS=3]                  (débit, médiane des passes)
# The variables are not called EMAIL/PHONE on purpose: EMAIL is often set in shells.
.PHONY: prescreen forget purge-leads bench-prescreen

OUT ?= out/prescreen

prescreen: install kb train
	@$(PY) -m prescreen $(if $(IN),--in "$(IN)",--from-tracker) --out "$(OUT)"

forget: install
	@if [ -z "$(FORGET_EMAIL)$(FORGET_PHONE)$(FORGET_SENDER)" ]; then \
	  echo "Indiquez FORGET_EMAIL=…, FORGET_PHONE=… ou FORGET_SENDER=…" >&2; exit 2; fi
	@$(PY) -m leads forget $(if $(FORGET_EMAIL),--email "$(FORGET_EMAIL)") \
	  $(if $(FORGET_PHONE),--phone "$(FORGET_PHONE)") $(if $(FORGET_SENDER),--sender-id "$(FORGET_SENDER)")

purge-leads: install
	@$(PY) -m leads purge

bench-prescreen: install kb train
	@$(PY) -m prescreen bench --n $(or $(N),1000) --runs $(or $(RUNS),3)

# `make bench` also measures the pre-screening throughput.
bench: bench-prescreen
