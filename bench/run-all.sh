#!/usr/bin/env bash
# Runs every benchmark under bench/ in turn; each prints its figures side by side with its reference.
set -uo pipefail
cd "$(dirname "$0")"
status=0
for b in http rest auth; do
  if [[ -x $b/run.sh ]]; then
    bash "$b/run.sh" || status=1
    echo
  fi
done
exit $status
