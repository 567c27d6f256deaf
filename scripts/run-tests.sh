#!/usr/bin/env bash
# Runs every test kind (unit, pg, e2e) even if one fails, then ends with each runner's summary
# so a run that tested nothing is visible. Exit status is non-zero if any kind failed.
set -uo pipefail
BUILD_DIR=${1:-build}
LOG_DIR="$BUILD_DIR/test-logs"
mkdir -p "$LOG_DIR"
status=0

run_kind() {
  local label=$1
  shift
  echo "=== ctest -L $label ==="
  (cd "$BUILD_DIR" && ctest --output-on-failure -L "$label" "$@") 2>&1 | tee "$LOG_DIR/$label.log"
  local rc=${PIPESTATUS[0]}
  [[ $rc -eq 0 ]] || status=1
}

run_kind unit
# One ctest entry runs the whole pg binary (one shared cluster): verbose, so its gtest counts
# reach the summary.
run_kind pg --verbose
echo "=== e2e (node --test, real binary + supabase-js) ==="
(cd tests/e2e && E2E_BASALT_BIN="$(cd "$OLDPWD" && realpath "$BUILD_DIR/basalt")" \
   node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs) 2>&1 | tee "$LOG_DIR/e2e.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

echo
echo "================ test summary ================"
for label in unit pg; do
  printf '%-4s: ' "$label"
  grep -E "tests passed|No tests were found" "$LOG_DIR/$label.log" | tail -n 1 || echo "no summary (runner failed)"
done
echo "pg  : gtest $(grep -oE '\[==========\] [0-9]+ tests from [0-9]+ test suites ran|\[  PASSED  \] [0-9]+ tests?|[0-9]+ FAILED TESTS?' "$LOG_DIR/pg.log" | sed -E 's/^[0-9]+: //' | tr '\n' ' ')"
echo "e2e : $(grep -E '^ℹ (tests|pass|fail|skipped) ' "$LOG_DIR/e2e.log" | tr '\n' ' ')"
exit $status
