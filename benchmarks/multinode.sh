#!/usr/bin/env bash
# Several machines, rehearsed on this one (loopback only): a PostgreSQL 15 primary and a streaming
# read replica (pg_basebackup), Redis, two stateless gunicorn nodes behind nginx, a huey consumer
# on Redis, then a backup. Every command docs/scaling.md shows is run here; the output goes to
# benchmarks/results/multinode.log. Everything is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PG=/usr/lib/postgresql/15/bin
BIN=$ROOT/.venv/bin
work=$(mktemp -d /tmp/taperwell-multinode-XXXXXX)
chmod 755 "$work"
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
free_port() { "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
step() { printf '\n== %s\n' "$*"; }

PRIMARY=$(free_port) REPLICA=$(free_port) REDIS=$(free_port)
WEB1=$(free_port) WEB2=$(free_port) LB=$(free_port)

stop_all() {
  set +e
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")"
  for pidfile in "$work/web1.pid" "$work/web2.pid" "$work/huey.pid" "$work/redis.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")"
  done
  sleep 1
  [ -f "$work/replica/postmaster.pid" ] && as_postgres "$PG/pg_ctl -D $work/replica -m fast stop" >/dev/null
  [ -f "$work/primary/postmaster.pid" ] && as_postgres "$PG/pg_ctl -D $work/primary -m fast stop" >/dev/null
  rm -rf "$work"
}
trap stop_all EXIT

step "PostgreSQL primary on 127.0.0.1:$PRIMARY"
mkdir "$work/primary" "$work/pglogs"
[ "$(id -u)" = 0 ] && chown postgres "$work/primary" "$work/pglogs"
as_postgres "$PG/initdb -D $work/primary -A trust -U postgres --no-sync" >/dev/null
as_postgres "$PG/pg_ctl -D $work/primary -l $work/pglogs/primary.log -w start \
  -o '-p $PRIMARY -k /tmp -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=4'"

step "Streaming replica on 127.0.0.1:$REPLICA (pg_basebackup -R writes the standby settings)"
mkdir -m 700 "$work/replica" && { [ "$(id -u)" != 0 ] || chown postgres "$work/replica"; }
as_postgres "$PG/pg_basebackup -h 127.0.0.1 -p $PRIMARY -U postgres -D $work/replica -R -X stream"
as_postgres "$PG/pg_ctl -D $work/replica -l $work/pglogs/replica.log -w start \
  -o '-p $REPLICA -k /tmp -c listen_addresses=127.0.0.1'"
psql -h 127.0.0.1 -p "$PRIMARY" -U postgres -Atc \
  "select 'replica connected: ' || client_addr || ' state=' || state from pg_stat_replication"

step "Redis on 127.0.0.1:$REDIS (cache, sign-in throttling and the job queue)"
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
sleep 0.5
redis-cli -p "$REDIS" ping

export TAPERWELL_ENV=demo
export TAPERWELL_VAR_DIR=$work/var
export DJANGO_SETTINGS_MODULE=taperwell.settings
export DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY/postgres
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA/postgres
export REDIS_URL=redis://127.0.0.1:$REDIS/0
export SITE_URL=http://127.0.0.1:$LB

step "Schema, static files and the demo clinic (once, from any node)"
"$BIN/taperwell" migrate --noinput -v0
"$BIN/taperwell" collectstatic --noinput -v0
"$BIN/taperwell" load_demo

step "Two stateless web nodes on :$WEB1 and :$WEB2"
for n in 1 2; do
  port=$([ $n = 1 ] && echo "$WEB1" || echo "$WEB2")
  "$BIN/gunicorn" taperwell.wsgi --bind "127.0.0.1:$port" --workers 2 --daemon \
    --pid "$work/web$n.pid" --access-logfile "$work/web$n.access.log" --error-logfile "$work/web$n.log"
done

step "nginx on :$LB in front of both"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  upstream taperwell { server 127.0.0.1:$WEB1; server 127.0.0.1:$WEB2; keepalive 16; }
  server {
    listen 127.0.0.1:$LB;
    client_max_body_size 10m;
    location / {
      proxy_pass http://taperwell;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
NGINX
nginx -t -c "$work/nginx.conf" -p "$work" 2>&1 | tail -1
nginx -c "$work/nginx.conf" -p "$work"

step "huey consumer on Redis"
"$BIN/taperwell" run_huey --workers 2 >"$work/huey.log" 2>&1 &
echo $! >"$work/huey.pid"

for _ in $(seq 50); do curl -fs "http://127.0.0.1:$LB/healthz" >/dev/null && break; sleep 0.2; done

step "Requests through the load balancer reach both nodes"
for _ in $(seq 20); do curl -fs -o /dev/null "http://127.0.0.1:$LB/healthz"; done
curl -fs -o /dev/null -w 'static file through nginx: %{http_code} %{content_type}\n' \
  "http://127.0.0.1:$LB$("$BIN/taperwell" shell --no-imports -c \
    "from django.templatetags.static import static; print(static('css/taperwell.css'))")"
echo "node 1 answered $(grep -c healthz "$work/web1.access.log") health checks," \
  "node 2 answered $(grep -c healthz "$work/web2.access.log")"

step "A signed-in session made on one node works on the other (sessions live in PostgreSQL)"
"$BIN/taperwell" shell --no-imports -c "
from django.test import Client
import urllib.request
from taperwell.accounts.models import User
c = Client(HTTP_HOST='127.0.0.1'); c.force_login(User.objects.get(email='clinician@example.org'))
cookie = 'sessionid=' + c.cookies['sessionid'].value
for port in ($WEB1, $WEB2):
    req = urllib.request.Request(f'http://127.0.0.1:{port}/clinic/outcomes/', headers={'Cookie': cookie})
    with urllib.request.urlopen(req) as r:
        print('node', port, 'clinic outcomes:', r.status)
"

step "Reports read from the replica; writes go to the primary"
"$BIN/taperwell" shell --no-imports -c "
from django.db import connections
from taperwell.core.db import reporting_reads
from taperwell.checkins.models import CheckIn
with reporting_reads() as alias:
    n = CheckIn.objects.count()
    port = connections[alias].settings_dict['PORT']
    with connections[alias].cursor() as cur:
        cur.execute('select pg_is_in_recovery()'); standby = cur.fetchone()[0]
print(f'report reads use {alias!r} (port {port}, standby={standby}): {n} check-ins')
"

step "A job queued on Redis runs on the huey consumer"
"$BIN/taperwell" shell --no-imports -c "
from taperwell.notifications.tasks import send_due_reminders_for
from taperwell.patients.models import Patient
result = send_due_reminders_for(Patient.objects.get(user__email='maria@example.org').pk)
print('reminder job result from the consumer:', result.get(blocking=True, timeout=30))
"

step "Backup (pg_dump of the primary, plus uploaded files)"
"$BIN/taperwell" backup "$work/backup"
ls "$work/backup"

step "Done: stopping everything"
