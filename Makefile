.PHONY: run test setup worker lock lint format bench load audit

run:
	scripts/dev run
test:
	scripts/dev test
setup:
	scripts/dev setup
worker:
	scripts/dev worker
lock:
	scripts/dev lock
bench:
	scripts/dev bench
load:
	scripts/dev load
audit:
	scripts/dev audit
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
