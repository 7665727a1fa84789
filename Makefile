# The one entry point, for people and for CI (.ci/run calls `make test`).
PY := .venv/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-unit lint bench evaluate clean

.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(PY) -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
	touch $@

# The site on 127.0.0.1:$(PORT) with a background worker; Ctrl-C stops both.
run: .venv/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py check
	trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --no-reload --interval 0.5 & \
	$(PY) manage.py reap_enhancements --every 30 & \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: .venv/.installed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Everything: lint, migrations check, unit tests, browser tests.
test: .venv/.installed chromium lint
	$(PY) -m pytest

bench: .venv/.installed
	$(PY) benchmarks/inference_speed.py

evaluate: .venv/.installed
	$(PY) manage.py evaluate --models all --scales 2 3 4 --datasets Set5 Set14 BSD100

clean:
	rm -rf .venv staticfiles .pytest_cache .ruff_cache
