#!/usr/bin/env bash
# bench/rest: GET one row by primary key and GET a page of 25 rows through /rest/v1 with wrk
# (16 keep-alive connections), side by side with
#   - pgbench running the exact statements basalt sent for the same requests (captured from
#     PostgreSQL's log, prepared mode, one pipeline, same concurrency): target ratio >= 0.70;
#   - PostGraphile (npm, pinned in postgraphile/package-lock.json, installed with `npm ci` when
#     node_modules is missing) serving the same rows as GraphQL POSTs: target basalt ahead.
# Prints requests/s, p99 latency, ratios and RSS under load; exits 1 on a missed target.
# What each row means and how PostGraphile is set up: bench/rest/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/rest
BIN=${BENCH_BASALT_BIN:-$ROOT/build/basalt}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNS=16
ONE_ID=4242 PAGE_OFFSET=4100  # also the markers that find each request's statements in the log
GQL_WORKERS=${POSTGRAPHILE_WORKERS:-$(nproc)}  # basalt runs one I/O thread per core
WORK=$(mktemp -d /tmp/basalt-bench-rest.XXXXXX)
chmod 755 "$WORK"
stop() { [[ -n "${1:-}" ]] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null; }
cleanup() {
  stop "${GQL_PID:-}" || true
  stop "${PID:-}" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [[ ! -d $HERE/postgraphile/node_modules ]]; then
  echo "installing PostGraphile (npm ci in bench/rest/postgraphile)" >&2
  (cd "$HERE/postgraphile" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

PORT=$(free_port)
export BASALT_SERVER_PORT=$PORT BASALT_RATE_LIMITS_ENABLED=false BASALT_SERVER_ACCESS_LOG=false BASALT_LOG_LEVEL=warn
export BASALT_DATABASE_POOL_SIZE=${POOL_SIZE:-16}
"$BIN" serve --data-dir "$WORK/data" & PID=$!
until curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do sleep 0.05; done
DB=$("$BIN" db url --data-dir "$WORK/data")
KEYS=$("$BIN" keys --json --data-dir "$WORK/data")
ANON=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["anon"])' <<<"$KEYS")
JWT_SECRET=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["jwt_secret"])' <<<"$KEYS")
PGLOG="$WORK/data/pg/log/postgres.log"

psql "$DB" -qAtX -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE public.bench_items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.bench_items SELECT g, 'item ' || g, g * 1.25, now() FROM generate_series(1, 10000) g;
ANALYZE public.bench_items;
SQL
sleep 1  # schema cache reload after DDL
H=(-H "apikey: $ANON" -H "Authorization: Bearer $ANON")
ONE="http://127.0.0.1:$PORT/rest/v1/bench_items?select=*&id=eq.$ONE_ID"
PAGE="http://127.0.0.1:$PORT/rest/v1/bench_items?select=*&order=id.asc&limit=25&offset=$PAGE_OFFSET"
python3 "$HERE/check_response.py" "$ONE" "$ONE_ID" 1 "${H[@]}"
python3 "$HERE/check_response.py" "$PAGE" $((PAGE_OFFSET + 1)) 25 "${H[@]}"

# PostGraphile over the same database and table: logs in as `authenticator` (a plain LOGIN role,
# not the superuser basalt's managed pool uses), verifies the same anon key and sets role anon
# plus jwt.claims.* per transaction. Its connections: the same total as basalt's pool.
GQL_PORT=$(free_port)
read -r PG_SOCKET PG_PORT PG_DB < <(psql "$DB" -AtX -c '\echo :HOST :PORT :DBNAME')
PGHOST=$PG_SOCKET PGPORT=$PG_PORT PGDATABASE=$PG_DB PGUSER=authenticator PORT=$GQL_PORT \
  JWT_SECRET=$JWT_SECRET WORKERS=$GQL_WORKERS POOL_SIZE=$BASALT_DATABASE_POOL_SIZE NODE_ENV=production \
  node "$HERE/postgraphile/server.js" >"$WORK/postgraphile.log" 2>&1 & GQL_PID=$!
GQL="http://127.0.0.1:$GQL_PORT/graphql"
GH=(-H "Authorization: Bearer $ANON")
printf '{"query":"query($id: BigInt!) { benchItemById(id: $id) { id name price createdAt } }","variables":{"id":"%s"}}' \
  "$ONE_ID" >"$WORK/one.json"
printf '{"query":"query($first: Int!, $offset: Int!) { allBenchItems(first: $first, offset: $offset, orderBy: ID_ASC) { nodes { id name price createdAt } } }","variables":{"first":25,"offset":%s}}' \
  "$PAGE_OFFSET" >"$WORK/page.json"
for ((i = 0; ; i++)); do  # ready once the schema is built (introspection takes a few seconds)
  [[ $(curl -s -o /dev/null -w '%{http_code}' "${GH[@]}" -H 'Content-Type: application/json' \
    -d '{"query":"{ __typename }"}' "$GQL") == 200 ]] && break
  if ! kill -0 "$GQL_PID" 2>/dev/null || ((i > 1200)); then
    echo "PostGraphile did not start:"; cat "$WORK/postgraphile.log"; exit 1
  fi
  sleep 0.1
done
python3 "$HERE/check_response.py" "$GQL" "$ONE_ID" 1 "${GH[@]}" --body "$WORK/one.json"
python3 "$HERE/check_response.py" "$GQL" $((PAGE_OFFSET + 1)) 25 "${GH[@]}" --body "$WORK/page.json"

# Capture the exact statements of one request of each shape.
psql "$DB" -qAtX -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
curl -fs "${H[@]}" "$ONE" >/dev/null
curl -fs "${H[@]}" "$PAGE" >/dev/null
sleep 0.5
psql "$DB" -qAtX -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
python3 "$HERE/extract_sql.py" "$PGLOG" "$ONE_ID" "$WORK/one.sql" "$WORK/one.defs"
python3 "$HERE/extract_sql.py" "$PGLOG" "$PAGE_OFFSET" "$WORK/page.sql" "$WORK/page.defs"

run_wrk() {  # run_wrk <url> [wrk args...] > "rps p99_ms"; fails if any response was not 2xx/3xx
  local url=$1; shift
  wrk -t2 -c$CONNS -d${WARMUP:-2}s "$@" "$url" >/dev/null
  wrk -t2 -c$CONNS -d${DURATION}s --latency "$@" "$url" >"$WORK/wrk.out"
  if grep -q 'Non-2xx' "$WORK/wrk.out"; then
    echo "wrk got error responses from $url:" >&2; cat "$WORK/wrk.out" >&2; return 1
  fi
  grep -q 'Socket errors' "$WORK/wrk.out" && echo "note ($url): $(grep 'Socket errors' "$WORK/wrk.out")" >&2
  awk '
    /Requests\/sec/ {rps=$2}
    / 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
    END {printf "%s %.2f\n", rps, p99}' "$WORK/wrk.out"
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
rss_kb() { ps -o rss= -p "$1" --ppid "$1" | awk '{s+=$1} END {print s}'; }  # process + children

# Results go through files: a failure inside `< <(...)` would not stop the script.
# One machine-wide hiccup can move a single 10 s figure by 10%: each request is measured ROUNDS
# times, basalt and pgbench alternating, and the median run of each is reported.
median_line() { sort -n -k1,1 "$1" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
side_by_side() {  # side_by_side <tag> <url> <sql> <defs>
  local tag=$1 url=$2 sql=$3 defs=$4 r
  : >"$WORK/$tag.basalt"
  : >"$WORK/$tag.pgbench"
  for ((r = 1; r <= ROUNDS; r++)); do
    run_wrk "$url" "${H[@]}" >>"$WORK/$tag.basalt"
    awk '/VmRSS/ {print $2}' "/proc/$PID/status" >>"$WORK/rss"  # right after the load
    run_pgbench "$sql" "$defs" >>"$WORK/$tag.pgbench"
  done
  printf '%s: basalt rps / pgbench tps per round: %s\n' "$tag" \
    "$(paste -d/ <(cut -d' ' -f1 "$WORK/$tag.basalt") <(cut -d' ' -f1 "$WORK/$tag.pgbench") | tr '\n' ' ')" >>"$WORK/rounds"
}
side_by_side "GET one row by PK" "$ONE" "$WORK/one.sql" "$WORK/one.defs"
side_by_side "GET page of 25 rows" "$PAGE" "$WORK/page.sql" "$WORK/page.defs"
median_line "$WORK/GET one row by PK.basalt" >"$WORK/r"; read -r one_rps one_p99 <"$WORK/r"
median_line "$WORK/GET one row by PK.pgbench" >"$WORK/r"; read -r one_tps one_pp99 <"$WORK/r"
median_line "$WORK/GET page of 25 rows.basalt" >"$WORK/r"; read -r page_rps page_p99 <"$WORK/r"
median_line "$WORK/GET page of 25 rows.pgbench" >"$WORK/r"; read -r page_tps page_pp99 <"$WORK/r"
rss_kb=$(sort -n "$WORK/rss" | tail -1)
# A longer warm-up for PostGraphile: V8 needs a few thousand requests to optimise its hot paths.
export GQL_BODY_FILE WARMUP=5
GQL_BODY_FILE=$WORK/one.json run_wrk "$GQL" "${GH[@]}" -s "$HERE/graphql.lua" >"$WORK/r"; read -r one_grps one_gp99 <"$WORK/r"
GQL_BODY_FILE=$WORK/page.json run_wrk "$GQL" "${GH[@]}" -s "$HERE/graphql.lua" >"$WORK/r"; read -r page_grps page_gp99 <"$WORK/r"
gql_rss_kb=$(rss_kb "$GQL_PID")
GQL_VERSION=$(node -p 'require(process.argv[1]).version' "$HERE/postgraphile/node_modules/postgraphile/package.json")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
row() { printf '%-22s %12.0f %16.0f %8s %10s ms %13s ms\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4" "$5"; }
echo "== bench/rest: $CONNS connections, ${DURATION}s runs, median of $ROUNDS alternating rounds; pgbench runs basalt's exact statements (prepared, pipelined) =="
printf '%-22s %12s %16s %8s %13s %16s\n' "request" "basalt rps" "pgbench tps" "ratio" "basalt p99" "pgbench p99"
row "GET one row by PK" "$one_rps" "$one_tps" "$one_p99" "$one_pp99"
row "GET page of 25 rows" "$page_rps" "$page_tps" "$page_p99" "$page_pp99"
sed 's/^/  /' "$WORK/rounds"
echo "== reference: PostGraphile $GQL_VERSION (Node workers: $GQL_WORKERS; GraphQL POSTs of the same rows and columns) =="
printf '%-22s %12s %16s %8s %13s %16s\n' "request" "basalt rps" "postgraphile rps" "ratio" "basalt p99" "postgraphile p99"
row "one row by PK" "$one_rps" "$one_grps" "$one_p99" "$one_gp99"
row "page of 25 rows" "$page_rps" "$page_grps" "$page_p99" "$page_gp99"
printf 'RSS under load: basalt %s MB (target < 100 MB), PostGraphile %s MB (all workers)\n' "$(mb "$rss_kb")" "$(mb "$gql_rss_kb")"
echo "targets: basalt/pgbench >= 0.70; basalt/postgraphile > 1 (basalt ahead)"
echo "statements pgbench ran for 'GET one row':"; sed 's/^/  /' "$WORK/one.sql"
fail=0
for r in "$(ratio "$one_rps" "$one_tps")" "$(ratio "$page_rps" "$page_tps")"; do
  awk -v r="$r" 'BEGIN {exit !(r >= 0.7)}' || { echo "MISS: ratio $r below 0.70"; fail=1; }
done
ahead=yes
for r in "$(ratio "$one_rps" "$one_grps")" "$(ratio "$page_rps" "$page_grps")"; do
  awk -v r="$r" 'BEGIN {exit !(r > 1)}' || { echo "MISS: basalt/postgraphile $r, not ahead"; ahead=no; fail=1; }
done
echo "basalt ahead of PostGraphile: $ahead"
(( rss_kb < 100 * 1024 )) || { echo "MISS: RSS"; fail=1; }
exit $fail
