#!/usr/bin/env bash
# bench/rest: GET one row by primary key and GET a page of 25 rows through /rest/v1 with wrk
# (16 keep-alive connections) versus pgbench running the exact statements basalt sent for the
# same requests (captured from PostgreSQL's log, prepared mode, one pipeline, same concurrency).
# Prints requests/s, p99 latency, ratios and basalt's RSS under load.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BENCH_BASALT_BIN:-$ROOT/build/basalt}
DURATION=${DURATION:-10}
CONNS=16
WORK=$(mktemp -d /tmp/basalt-bench-rest.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  [[ -n "${PID:-}" ]] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BASALT_SERVER_PORT=$PORT BASALT_RATE_LIMITS_ENABLED=false BASALT_SERVER_ACCESS_LOG=false BASALT_LOG_LEVEL=warn
export BASALT_DATABASE_POOL_SIZE=${POOL_SIZE:-16}
"$BIN" serve --data-dir "$WORK/data" & PID=$!
until curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do sleep 0.05; done
DB=$("$BIN" db url --data-dir "$WORK/data")
ANON=$("$BIN" keys --json --data-dir "$WORK/data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["anon"])')
PGLOG="$WORK/data/pg/log/postgres.log"

psql "$DB" -qAtX -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE public.bench_items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.bench_items SELECT g, 'item ' || g, g * 1.25, now() FROM generate_series(1, 10000) g;
ANALYZE public.bench_items;
SQL
sleep 1  # schema cache reload after DDL
H=(-H "apikey: $ANON" -H "Authorization: Bearer $ANON")
ONE="http://127.0.0.1:$PORT/rest/v1/bench_items?select=*&id=eq.4242"
PAGE="http://127.0.0.1:$PORT/rest/v1/bench_items?select=*&order=id.asc&limit=25&offset=4100"
curl -fs "${H[@]}" "$ONE" | grep -q '"id":4242' || { echo "REST GET by PK failed"; curl -s "${H[@]}" "$ONE"; exit 1; }

# Capture the exact statements of one request of each shape.
psql "$DB" -qAtX -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
curl -fs "${H[@]}" "$ONE" >/dev/null
curl -fs "${H[@]}" "$PAGE" >/dev/null
sleep 0.5
psql "$DB" -qAtX -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
python3 "$ROOT/bench/rest/extract_sql.py" "$PGLOG" 4242 "$WORK/one.sql" "$WORK/one.defs"
python3 "$ROOT/bench/rest/extract_sql.py" "$PGLOG" 4100 "$WORK/page.sql" "$WORK/page.defs"

run_wrk() {  # prints "rps p99_ms"
  wrk -t2 -c$CONNS -d2s "${H[@]}" "$1" >/dev/null
  wrk -t2 -c$CONNS -d${DURATION}s --latency "${H[@]}" "$1" | awk '
    /Requests\/sec/ {rps=$2}
    / 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
    END {printf "%s %.2f\n", rps, p99}'
}
run_pgbench() {  # prints "tps p99_ms"
  local defs=()
  while IFS= read -r d; do [[ -n "$d" ]] && defs+=(-D "$d"); done < "$2"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && pgbench -n -M prepared -c $CONNS -j2 -T 2 "${defs[@]}" -f "$1" "$DB" >/dev/null 2>&1)
  (cd "$WORK" && pgbench -n -M prepared -c $CONNS -j2 -T "$DURATION" -l --log-prefix=pgbench_log "${defs[@]}" -f "$1" "$DB" 2>/dev/null) |
    awk '/^tps/ {print $3; exit}' > "$WORK/tps"
  local p99
  p99=$(cat "$WORK"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')
  echo "$(cat "$WORK/tps") $p99"
}

read -r one_rps one_p99 < <(run_wrk "$ONE")
read -r one_tps one_pp99 < <(run_pgbench "$WORK/one.sql" "$WORK/one.defs")
read -r page_rps page_p99 < <(run_wrk "$PAGE")
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
read -r page_tps page_pp99 < <(run_pgbench "$WORK/page.sql" "$WORK/page.defs")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "== bench/rest: $CONNS connections, ${DURATION}s each; pgbench runs basalt's exact statements (prepared, pipelined) =="
printf '%-26s %12s %12s %8s %12s %12s\n' "request" "basalt rps" "pgbench tps" "ratio" "basalt p99" "pgbench p99"
printf '%-26s %12.0f %12.0f %8s %10s ms %10s ms\n' "GET one row by PK" "$one_rps" "$one_tps" "$(ratio "$one_rps" "$one_tps")" "$one_p99" "$one_pp99"
printf '%-26s %12.0f %12.0f %8s %10s ms %10s ms\n' "GET page of 25 rows" "$page_rps" "$page_tps" "$(ratio "$page_rps" "$page_tps")" "$page_p99" "$page_pp99"
printf 'basalt RSS under load: %.1f MB (target < 100 MB); target ratio >= 0.70\n' "$(awk -v k="$rss_kb" 'BEGIN{print k/1024}')"
echo "statements pgbench ran for 'GET one row':"; sed 's/^/  /' "$WORK/one.sql"
fail=0
for r in "$(ratio "$one_rps" "$one_tps")" "$(ratio "$page_rps" "$page_tps")"; do
  awk -v r="$r" 'BEGIN {exit !(r >= 0.7)}' || { echo "MISS: ratio $r below 0.70"; fail=1; }
done
(( rss_kb < 100 * 1024 )) || { echo "MISS: RSS"; fail=1; }
exit $fail
