# The whole test suite against PostgreSQL (issue 22). Included by the Makefile.
#   make test-postgres [VIRAGE_TEST_PG_PORT=5434] [VIRAGE_TEST_PG_DIR=var/pg-test]
# scripts/test_postgres.sh starts a PostgreSQL of its own (scripts/postgres.sh), builds the
# knowledge base in it, runs pytest with VIRAGE_TEST_DB=postgresql and stops the server, even on
# failure. `make test` (SQLite) runs ruff already; this target does not repeat it.
.PHONY: test-postgres

test-postgres: install install-browser train
	@bash scripts/test_postgres.sh
