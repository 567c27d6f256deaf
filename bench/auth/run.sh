#!/usr/bin/env bash
# bench/auth: password sign-in req/s through the real server vs a bare bcrypt verify loop
# (crypt_rn on every core, same cost) — the ceiling sign-in can reach; refresh-token
# rotations per second and their CPU cost in basalt and PostgreSQL; JWT verification time. Prints the figures side by side with the
# targets of issue #4 and exits non-zero if one is missed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Not BASALT_*: basalt refuses unknown BASALT_* variables in its environment.
BIN=${BENCH_BASALT_BIN:-$ROOT/build/basalt}
BUILD=${BENCH_BUILD_DIR:-$(dirname "$BIN")}
unset BASALT_BIN_PATH
DURATION=${DURATION:-10s}
SECONDS_BARE=${SECONDS_BARE:-10}
THREADS=${WRK_THREADS:-2}
SIGNIN_CONNS=${SIGNIN_CONNS:-8}
REFRESH_CONNS=${REFRESH_CONNS:-32}
REFRESH_TOKENS=${REFRESH_TOKENS:-300000}
COST=${BCRYPT_COST:-10}
WORK=$(mktemp -d /tmp/basalt-bench-auth.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  [[ -n "${BASALT_PID:-}" ]] && kill -TERM "$BASALT_PID" 2>/dev/null && wait "$BASALT_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5; found=1} END {if (!found) print 0}'; }
timeouts() { awk '/Socket errors/ {gsub(",", ""); print $NF; found=1} END {if (!found) print 0}'; }

# 1. Micro benchmarks, linked against the module libraries of the same build.
c++ -O2 -std=c++20 -I"$ROOT/src" "$ROOT/bench/auth/micro.cpp" -o "$WORK/micro" \
  "$BUILD/libbasalt_auth.a" "$BUILD/libbasalt_common.a" -lspdlog -lfmt -lssl -lcrypto -lcrypt -lpthread
bare_before=$("$WORK/micro" bcrypt "$(nproc)" "$SECONDS_BARE" "$COST")
read -r jwt_cold_ns jwt_ns < <("$WORK/micro" jwt 1000000)

# 2. The server, rate limits and access log off, same bcrypt cost.
PORT=$(free_port)
export BASALT_SERVER_PORT=$PORT BASALT_RATE_LIMITS_ENABLED=false BASALT_SERVER_ACCESS_LOG=false \
  BASALT_LOG_LEVEL=warn BASALT_AUTH_PASSWORD_BCRYPT_COST=$COST
"$BIN" serve --data-dir "$WORK/data" & BASALT_PID=$!
until curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
  kill -0 "$BASALT_PID" 2>/dev/null || { echo "basalt exited before /ready"; exit 1; }
  sleep 0.05
done
ANON_KEY=$("$BIN" keys --json --data-dir "$WORK/data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["anon"])')
export ANON_KEY WRK_THREADS=$THREADS
URL="http://127.0.0.1:$PORT"
curl -fs -o /dev/null -X POST "$URL/auth/v1/signup" -H "apikey: $ANON_KEY" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"password1"}'

# bcrypt makes each sign-in slow by design: a long wrk timeout so no request is dropped uncounted.
wrk -t"$THREADS" -c"$SIGNIN_CONNS" -d2s --timeout 60s -s "$ROOT/bench/auth/signin.lua" "$URL" >/dev/null  # warm-up
signin_out=$(wrk -t"$THREADS" -c"$SIGNIN_CONNS" -d"$DURATION" --timeout 60s -s "$ROOT/bench/auth/signin.lua" "$URL")
signin_rps=$(rps <<<"$signin_out")
signin_bad=$(( $(non2xx <<<"$signin_out") + $(timeouts <<<"$signin_out") ))
# The bare loop again right after, averaged with the first: on a shared machine the load
# drifts, and bracketing the sign-in run keeps the ratio fair.
bare_after=$("$WORK/micro" bcrypt "$(nproc)" "$SECONDS_BARE" "$COST")
bare_rps=$(awk -v a="$bare_before" -v b="$bare_after" 'BEGIN {printf "%.1f", (a + b) / 2}')

# 3. Refresh tokens: one session each, created in SQL (only their SHA-256 is stored).
psql "$("$BIN" db url --data-dir "$WORK/data")" -v ON_ERROR_STOP=1 -qAtX >/dev/null <<SQL
WITH u AS (SELECT id FROM auth.users WHERE email = 'bench@example.com'),
s AS (INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal)
      SELECT gen_random_uuid(), u.id, now(), now(), 'aal1' FROM u, generate_series(1, $REFRESH_TOKENS) RETURNING id)
INSERT INTO auth.refresh_tokens (token, user_id, session_id, revoked, created_at, updated_at)
SELECT encode(sha256(convert_to('benchtok' || (row_number() OVER ()), 'UTF8')), 'hex'),
       (SELECT id::text FROM u), s.id, false, now(), now() FROM s;
ANALYZE auth.refresh_tokens; ANALYZE auth.sessions;
SQL
# CPU time per refresh of basalt and of the cluster (backends and background processes; the
# postmaster's cutime/cstime adds backends that exit): on a shared machine the rate moves with
# everyone else's load, the CPU a request costs much less.
PG_PID=$(head -1 "$WORK/data/pg/postmaster.pid")
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local t=0 p
  for p in $(pgrep -P "$PG_PID"); do t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done
  echo $((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$PG_PID/stat")))
}
basalt0=$(cpu_ticks "$BASALT_PID"); pg0=$(pg_ticks)
refresh_out=$(wrk -t"$THREADS" -c"$REFRESH_CONNS" -d"$DURATION" --timeout 10s -s "$ROOT/bench/auth/refresh.lua" "$URL")
refresh_n=$(awk '/requests in/ {print $1}' <<<"$refresh_out")
us_per_refresh() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$refresh_n" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}'; }
basalt_us=$(us_per_refresh $(( $(cpu_ticks "$BASALT_PID") - basalt0 )))
pg_us=$(us_per_refresh $(( $(pg_ticks) - pg0 )))
refresh_rps=$(rps <<<"$refresh_out")
refresh_bad=$(( $(non2xx <<<"$refresh_out") + $(timeouts <<<"$refresh_out") ))

ratio=$(awk -v a="$signin_rps" -v b="$bare_rps" 'BEGIN {printf "%.2f", a / b}')
echo "== bench/auth: bcrypt cost $COST, $(nproc) cores, $DURATION runs =="
printf '%-40s %12s   (before %s, after %s)\n' "bare bcrypt verify loop (hashes/s)" "$bare_rps" "$bare_before" "$bare_after"
printf '%-40s %12s   (%s non-2xx/timeouts)\n' "password sign-in (requests/s)" "$signin_rps" "$signin_bad"
printf '%-40s %12s   (target >= 0.90)\n' "ratio sign-in/bare bcrypt" "$ratio"
printf '%-40s %12s   (target >= 5000; %s non-2xx/timeouts)\n' "refresh_token grant (requests/s)" "$refresh_rps" "$refresh_bad"
printf '%-40s %12s   (basalt %s + postgres %s)\n' "refresh CPU per request (us)" "$((basalt_us + pg_us))" "$basalt_us" "$pg_us"
printf '%-40s %12s   (target < 5000 ns)\n' "JWT verification, repeat token (ns/op)" "$jwt_ns"
printf '%-40s %12s\n' "JWT verification, first sight (ns/op)" "$jwt_cold_ns"

fail=0
awk -v r="$ratio" 'BEGIN {exit !(r >= 0.9)}' || { echo "MISS: sign-in below 0.9 x bare bcrypt"; fail=1; }
awk -v r="$refresh_rps" 'BEGIN {exit !(r >= 5000)}' || { echo "MISS: refresh below 5000/s"; fail=1; }
(( jwt_ns < 5000 )) || { echo "MISS: JWT verification too slow"; fail=1; }
(( signin_bad == 0 && refresh_bad == 0 )) || { echo "MISS: non-2xx responses"; fail=1; }
exit $fail
