#!/usr/bin/env bash
# bench/http: wrk against GET /health (64 keep-alive connections) side by side with nginx
# serving a static response of the same size, plus idle RSS and start-up times of basalt.
# Prints both figures and the ratios; exits non-zero if a target from issue #2 is missed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BENCH_BASALT_BIN:-$ROOT/build/basalt}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${WRK_THREADS:-2}
WORK=$(mktemp -d /tmp/basalt-bench-http.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  [[ -n "${BASALT_PID:-}" ]] && kill -TERM "$BASALT_PID" 2>/dev/null && wait "$BASALT_PID" 2>/dev/null || true
  [[ -f "$WORK/nginx.pid" ]] && kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.5; rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
wait_ready() { until curl -fs "http://127.0.0.1:$1/ready" >/dev/null 2>&1; do sleep 0.02; done; }
rps() { awk '/Requests\/sec/ {print $2}'; }

PORT=$(free_port)
export BASALT_SERVER_PORT=$PORT BASALT_RATE_LIMITS_ENABLED=false BASALT_SERVER_ACCESS_LOG=false BASALT_LOG_LEVEL=warn

# 1. First start, including initdb.
t0=$(now_ms)
"$BIN" serve --data-dir "$WORK/data" & BASALT_PID=$!
wait_ready "$PORT"
first_start_ms=$(( $(now_ms) - t0 ))
kill -TERM "$BASALT_PID"; wait "$BASALT_PID" || true

# 2. Start on the existing data dir.
t0=$(now_ms)
"$BIN" serve --data-dir "$WORK/data" & BASALT_PID=$!
wait_ready "$PORT"
restart_ms=$(( $(now_ms) - t0 ))
sleep 1
idle_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$BASALT_PID/status")

BODY=$(curl -s "http://127.0.0.1:$PORT/health")
BODY_LEN=${#BODY}

# 3. nginx with the same response body size, same number of worker processes as basalt threads.
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /health { default_type application/json; return 200 '$BODY'; }
  }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK"
until curl -fs "http://127.0.0.1:$NGINX_PORT/health" >/dev/null; do sleep 0.05; done

wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/health" >/dev/null  # warm-up
basalt_rps=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$PORT/health" | rps)
wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$NGINX_PORT/health" >/dev/null
nginx_rps=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$NGINX_PORT/health" | rps)
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$BASALT_PID/status")

ratio=$(awk -v a="$basalt_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
echo "== bench/http: GET /health, $CONNS keep-alive connections, $DURATION, body $BODY_LEN bytes =="
printf '%-34s %12s\n' "basalt requests/s" "$basalt_rps"
printf '%-34s %12s\n' "nginx requests/s" "$nginx_rps"
printf '%-34s %12s   (target >= 0.80)\n' "ratio basalt/nginx" "$ratio"
printf '%-34s %9.1f MB   (target < 30 MB)\n' "idle RSS of basalt serve" "$(awk -v k="$idle_rss_kb" 'BEGIN{print k/1024}')"
printf '%-34s %9.1f MB\n' "RSS after load" "$(awk -v k="$loaded_rss_kb" 'BEGIN{print k/1024}')"
printf '%-34s %9d ms   (target < 2000)\n' "start to /ready, existing data dir" "$restart_ms"
printf '%-34s %9d ms   (target < 15000)\n' "first start incl. initdb" "$first_start_ms"

fail=0
awk -v r="$ratio" 'BEGIN {exit !(r >= 0.8)}' || { echo "MISS: ratio below 0.8"; fail=1; }
(( idle_rss_kb < 30 * 1024 )) || { echo "MISS: idle RSS"; fail=1; }
(( restart_ms < 2000 )) || { echo "MISS: restart time"; fail=1; }
(( first_start_ms < 15000 )) || { echo "MISS: first start time"; fail=1; }
exit $fail
