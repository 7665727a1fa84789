#!/usr/bin/env bash
# `make test-integration`: the scale-out run on real servers, every one on 127.0.0.1, started here
# and stopped by its PID: PostgreSQL (initdb), Redis, an S3 server (moto), then for each queue backend
# (db on PostgreSQL, rq on Redis) the site under gunicorn with production settings and a reaper, while
# tests/integration drives it through the API and starts, stops and kills its two workers.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
export PYTHONDONTWRITEBYTECODE=1

bash scripts/system_packages.sh postgresql redis-server
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_postgres() {  # initdb refuses to run as root
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else bash -c "$1"; fi
}
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT: until something listens there, 30 s at most
  "$PY" -c '
import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(f"integration: nothing listens on port {sys.argv[1]}")' "$1"
}

WORK=$(mktemp -d /tmp/srsite-integration.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/pids"  # the tests list the workers they start here, for cleanup's sake
PIDS=()                # Redis and S3, for the whole run
SITE_PIDS=()           # gunicorn and the reaper, per backend
cleanup() {
  local status=$? pid
  for pid in "${SITE_PIDS[@]}" "${PIDS[@]}" $(ls "$WORK/pids"); do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SITE_PIDS[@]}" "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/pg/postmaster.pid" ]; then
    as_postgres "$PGBIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "integration: FAILED; the last lines of each log:"
    for log in "$WORK"/*.log "$WORK"/pg/server.log; do [ -f "$log" ] && { echo "== $log"; tail -n 20 "$log"; }; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)  # other work on the machine shares the cores being measured
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
S3_PORT=$(free_port)
WEB_PORT=$(free_port)

mkdir "$WORK/pg"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$WORK/pg"; fi
as_postgres "$PGBIN/initdb -D $WORK/pg -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg/server.log -w -o '-p $PG_PORT -k $WORK/pg \
  -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
"$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$WORK/s3.log" 2>&1 &
PIDS+=($!)
wait_port "$REDIS_PORT"
wait_port "$S3_PORT"
echo "integration: PostgreSQL :$PG_PORT, Redis :$REDIS_PORT, S3 (moto) :$S3_PORT, site :$WEB_PORT"

# Production settings, from the environment only (docs/deploy.md). The tests play the TLS proxy.
export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" S3_ACCESS_KEY_ID=integration S3_SECRET_ACCESS_KEY=integration
export S3_REGION=us-east-1
# A short lease and a fast reaper bring a killed worker's job back within seconds; one torch thread a worker.
export SRSITE_DEVICE=cpu SRSITE_TORCH_THREADS=1 SRSITE_JOB_LEASE_SECONDS=6
export SRSITE_HEALTH_TOKEN=integration-probe
export SRSITE_IT_URL="http://127.0.0.1:$WEB_PORT" SRSITE_IT_WORK="$WORK"

for backend in db rq; do
  export SRSITE_TASK_BACKEND=$backend S3_BUCKET="srsite-$backend"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/srsite_$backend"
  if [ "$backend" = rq ]; then export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"; else unset REDIS_URL; fi
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "srsite_$backend"
  "$PY" -c 'import os, boto3; boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="us-east-1",
    aws_access_key_id="x", aws_secret_access_key="x").create_bucket(Bucket=os.environ["S3_BUCKET"])'
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py collectstatic --noinput -v0
  "$PY" manage.py check --deploy --fail-level WARNING

  "$BIN/gunicorn" srsite.wsgi:application -b "127.0.0.1:$WEB_PORT" -w 2 --timeout 120 \
    --access-logfile "$WORK/$backend-access.log" >"$WORK/$backend-web.log" 2>&1 &
  SITE_PIDS=($!)
  "$PY" manage.py reap_enhancements --every 1 >"$WORK/$backend-reaper.log" 2>&1 &
  SITE_PIDS+=($!)
  wait_port "$WEB_PORT"

  echo "integration: queue backend $backend"
  "$PY" -m pytest tests/integration --ds srsite.settings

  kill -TERM "${SITE_PIDS[@]}"
  wait "${SITE_PIDS[@]}" 2>/dev/null || true
  SITE_PIDS=()
done

echo "integration: measured on $(nproc) cores; load average before the run $LOAD_BEFORE (other work shares them)"
cat "$WORK/report.txt"
