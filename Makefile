# The one entry point, for people and for CI (.ci/run calls `make test`).
PY := .venv/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

WORKERS ?= 2
WEB_WORKERS ?= 2

.PHONY: run serve test test-unit test-integration lint system-packages screenshots bench evaluate fuzz clean

# The settings default to production (DEBUG off, a secret key required): the development targets turn DEBUG
# on unless the environment says otherwise. `serve` is production and turns it off unless told.
run lint test test-unit screenshots bench evaluate fuzz: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)

.venv/.installed: requirements.txt requirements-train.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(PY) -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
	touch $@

# The site on 127.0.0.1:$(PORT) with a background worker and the reaper, in DEBUG (development); Ctrl-C or a
# SIGTERM to make stops all three. Everything runs in the background under `wait`: the shell runs its trap at
# once, where a foreground server would hold the trap back until the server exited on its own.
run: .venv/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py check
	trap 'trap "" INT TERM; kill 0' INT TERM EXIT; \
	$(PY) manage.py worker & \
	$(PY) manage.py reap_enhancements --every 30 & \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT) & \
	wait

# Production on 127.0.0.1:$(PORT) behind your TLS proxy: gunicorn ($(WEB_WORKERS) processes), $(WORKERS) job
# workers and the reaper; settings from the environment (docs/deploy.md), DJANGO_DEBUG off unless set.
# Each preparation is its own line, so any failure (no DJANGO_SECRET_KEY, say) stops make before serving.
serve: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),0)
serve: .venv/.installed
	$(PY) manage.py check --deploy
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	trap 'trap "" INT TERM; kill 0' INT TERM EXIT; \
	for i in $$(seq $(WORKERS)); do $(PY) manage.py worker & done; \
	$(PY) manage.py reap_enhancements --every 30 & \
	.venv/bin/gunicorn srsite.wsgi:application -b 127.0.0.1:$(PORT) -w $(WEB_WORKERS) --timeout 120 --access-logfile - & \
	wait

# Debian packages from apt when missing, in one apt call: the browser tests drive chromium; the unit tests count
# across processes on a real Redis too (tests/enhance/test_attempt_counts.py).
system-packages:
	@bash scripts/system_packages.sh chromium redis-server

lint: .venv/.installed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# The quick loop: lint, import contracts, migrations check, unit and browser tests (no live servers).
test-unit: .venv/.installed system-packages lint
	$(PY) -m pytest

# Everything: the quick loop, then the scale-out run on real servers.
test: test-unit
	$(MAKE) test-integration

# PostgreSQL, Redis and S3 (moto) on loopback, the site under gunicorn, two workers, both queue backends.
test-integration: .venv/.installed
	bash scripts/integration.sh

# Refresh docs/screenshots/ from the browser test.
screenshots: .venv/.installed system-packages
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/e2e

bench: .venv/.installed
	$(PY) benchmarks/speed.py

# 2,000 seeded mutated images through /upload_img, jobs run by the real engine: no 5xx, no orphans, all done.
fuzz: .venv/.installed
	$(PY) benchmarks/fuzz_uploads.py --count $${COUNT:-2000}

evaluate: .venv/.installed
	$(PY) manage.py evaluate --models all --scales 2 3 4 --datasets Set5 Set14 BSD100

clean:
	rm -rf .venv staticfiles .pytest_cache .ruff_cache
