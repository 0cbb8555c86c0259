#!/usr/bin/env bash
# Runs the test suite with the clock moved ahead, to prove that no test depends on today's date.
#   npm run test:clock               # 30 and 400 days ahead
#   npm run test:clock -- 90d 3y     # any offsets libfaketime takes (+ is implied)
#   npm run test:clock -- 30d -- test/digest   # and only some test files
# Needs libfaketime (Debian: apt-get install libfaketime). Every process the suite starts (the
# service, scripts, the SMTP sink, Chromium) inherits the moved clock; PostgreSQL and Redis keep
# theirs, which Dispatch never reads.
set -uo pipefail
cd "$(dirname "$0")/.."
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1)
[ -n "$lib" ] || { echo "test:clock: libfaketime not found (apt-get install libfaketime)"; exit 2; }
offsets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do offsets+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#offsets[@]} -gt 0 ] || offsets=(30d 400d)
status=0
for offset in "${offsets[@]}"; do
  echo "== the suite with the clock ${offset} ahead"
  # Monotonic time stays real, so timers and timeouts behave.
  LD_PRELOAD="$lib" FAKETIME="+${offset#+}" FAKETIME_DONT_FAKE_MONOTONIC=1 node -e 'console.log("   now:", new Date().toISOString())'
  LD_PRELOAD="$lib" FAKETIME="+${offset#+}" FAKETIME_DONT_FAKE_MONOTONIC=1 npx vitest run "$@" || status=1
done
exit $status
