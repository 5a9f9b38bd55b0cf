#!/usr/bin/env bash
# `npm test`: the whole suite, in order —
#   lint · typecheck · SDK build · vitest on PGlite · vitest on Postgres · next build · Playwright e2e
# Every leg runs even when an earlier one failed (except e2e, which needs the build), so one run
# shows everything that is wrong. Exits non-zero if any leg failed. The last line of output is
# `N passed, N failed`: vitest + Playwright test counts, plus one failure for each failed check
# (lint, typecheck, build) or test run that failed without a failing test (crash, no tests, …).
#
# Usage: bash scripts/test.sh [LEG...]     LEG ∈ lint typecheck unit pg build e2e (default: all)
#
# Postgres leg: uses $DATABASE_URL if set (a role that may CREATE DATABASE: the harness makes a fresh
# database per test server); otherwise starts a throw-away cluster with scripts/pg-cluster.sh. With
# no Postgres binaries it is skipped with a warning on a dev machine, and fails in CI (CI=true).
# E2E leg: the built server on E2E_PORT (default: first free port from 18787), Debian Chromium.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
export NEXT_TELEMETRY_DISABLED=1
IN_CI=false
case "${CI:-}" in true | 1 | yes) IN_CI=true ;; esac

ALL_LEGS=(lint typecheck unit pg build e2e)
if [[ $# -gt 0 ]]; then
  for leg in "$@"; do
    [[ " ${ALL_LEGS[*]} " == *" $leg "* ]] || { echo "unknown leg '$leg' (legs: ${ALL_LEGS[*]})" >&2; exit 2; }
  done
  LEGS=("$@")
else
  LEGS=("${ALL_LEGS[@]}")
fi
want() { [[ " ${LEGS[*]} " == *" $1 "* ]]; }

REPORT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-test.XXXXXX")
# shellcheck source=scripts/pg-cluster.sh
source "$ROOT/scripts/pg-cluster.sh"
STARTED_CLUSTER=false
cleanup() {
  if $STARTED_CLUSTER; then pg_cluster_stop >/dev/null 2>&1; fi
  rm -rf "$REPORT_DIR"
}
trap cleanup EXIT
trap 'echo; echo "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

PASSED=0      # tests passed (vitest + Playwright)
FAILED=0      # tests failed + failed checks/runs
SKIPPED=0     # tests skipped
SUMMARY=()    # one line per leg
SUITE_START=$SECONDS

section() {
  echo
  echo "================================================================================"
  echo "== $*"
  echo "================================================================================"
}

record() { # record LEG STATUS SECONDS [NOTE]
  SUMMARY+=("$(printf '  %-26s %-5s %5ss  %s' "$1" "$2" "$3" "${4:-}")")
}

# Runs a check (no test counts): one failure if it exits non-zero.
check() { # check NAME CMD...
  local name=$1 start=$SECONDS rc
  shift
  section "$name: $*"
  "$@"
  rc=$?
  if [[ $rc -eq 0 ]]; then
    record "$name" PASS $((SECONDS - start))
  else
    FAILED=$((FAILED + 1))
    record "$name" FAIL $((SECONDS - start)) "exit $rc"
  fi
  return $rc
}

# Reads a vitest JSON report ($1) and the run's exit code ($2); adds to the counters and prints
# "passed failed skipped".
count_vitest() {
  node -e '
    const fs = require("node:fs");
    const [file, rc] = [process.argv[1], Number(process.argv[2])];
    let p = 0, f = 0, s = 0;
    try {
      const r = JSON.parse(fs.readFileSync(file, "utf8"));
      p = r.numPassedTests ?? 0;
      f = r.numFailedTests ?? 0;
      s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      // A file that failed to load/set up has no failed test of its own: count the file.
      if (rc !== 0 && f === 0) f = Math.max(1, r.numFailedTestSuites ?? 0);
    } catch {
      if (rc !== 0) f = 1;
    }
    console.log(`${p} ${f} ${s}`);
  ' "$1" "$2"
}

# Same for a Playwright JSON report.
count_playwright() {
  node -e '
    const fs = require("node:fs");
    const [file, rc] = [process.argv[1], Number(process.argv[2])];
    let p = 0, f = 0, s = 0;
    try {
      const { stats = {}, errors = [] } = JSON.parse(fs.readFileSync(file, "utf8"));
      p = (stats.expected ?? 0) + (stats.flaky ?? 0);
      f = stats.unexpected ?? 0;
      s = stats.skipped ?? 0;
      // Web server did not start, no tests found, global setup threw, …
      if (rc !== 0 && f === 0) f = Math.max(1, errors.length);
    } catch {
      if (rc !== 0) f = 1;
    }
    console.log(`${p} ${f} ${s}`);
  ' "$1" "$2"
}

add_counts() { # add_counts LEG RC START "p f s" [NOTE]
  local leg=$1 rc=$2 start=$3 p f s note=${5:-}
  read -r p f s <<<"$4"
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SKIPPED=$((SKIPPED + s))
  local detail="$p passed, $f failed, $s skipped${note:+ — $note}"
  if [[ $rc -eq 0 ]]; then record "$leg" PASS $((SECONDS - start)) "$detail"; else record "$leg" FAIL $((SECONDS - start)) "$detail; exit $rc"; fi
}

run_vitest() { # run_vitest LEG REPORT NOTE [env assignments...]
  local leg=$1 report=$2 note=$3 start=$SECONDS rc
  shift 3
  env "$@" npm run --silent test:unit -- --reporter=default --reporter=json --outputFile.json="$report"
  rc=$?
  add_counts "$leg" $rc "$start" "$(count_vitest "$report" $rc)" "$note"
}

# ---------------------------------------------------------------------------------------------------
echo "Switchboard test suite — node $(node --version), npm $(npm --version 2>/dev/null), CI=${CI:-}"
echo "legs: ${LEGS[*]}"

if want lint; then check lint npm run --silent lint; fi
if want typecheck; then check typecheck npm run --silent typecheck; fi

# The SDK's tests import the built package (dist/), as a user would.
if want unit || want pg; then check "sdk build" npm run --silent build:sdk; fi

if want unit; then
  section "vitest on PGlite (DATABASE_URL unset)"
  run_vitest "vitest (PGlite)" "$REPORT_DIR/vitest-pglite.json" "" -u DATABASE_URL
fi

if want pg; then
  section "vitest on PostgreSQL"
  start=$SECONDS
  pg_url=${DATABASE_URL:-}
  pg_note=""
  if [[ -n "$pg_url" ]]; then
    pg_note="DATABASE_URL from the environment"
    echo "Using DATABASE_URL from the environment: ${pg_url//:*@/:***@}"
  elif pg_cluster_available; then
    if pg_cluster_start; then
      STARTED_CLUSTER=true
      pg_url=$DATABASE_URL
      pg_note="throw-away cluster on port $PG_CLUSTER_PORT"
      echo "Started a throw-away PostgreSQL cluster: $pg_url"
    else
      echo "FAILED to start a throw-away PostgreSQL cluster (see pg-cluster messages above)." >&2
      FAILED=$((FAILED + 1))
      record "vitest (Postgres)" FAIL $((SECONDS - start)) "could not start PostgreSQL"
    fi
  elif $IN_CI; then
    echo "FAILED: no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine, and CI=true" >&2
    echo "        requires the Postgres leg. Install them (Debian: apt-get install -y postgresql)." >&2
    FAILED=$((FAILED + 1))
    record "vitest (Postgres)" FAIL 0 "PostgreSQL binaries not found (required in CI)"
  else
    echo "!!! SKIPPED: no PostgreSQL server binaries (initdb, pg_ctl, postgres) found on PATH or under"
    echo "!!!          /usr/lib/postgresql/*/bin, and DATABASE_URL is not set. The Postgres leg did NOT run."
    echo "!!!          Install PostgreSQL (Debian: apt-get install -y postgresql) or set DATABASE_URL."
    record "vitest (Postgres)" SKIP 0 "no PostgreSQL binaries and no DATABASE_URL (CI would fail)"
  fi
  if [[ -n "$pg_url" ]]; then
    run_vitest "vitest (Postgres)" "$REPORT_DIR/vitest-pg.json" "$pg_note" DATABASE_URL="$pg_url"
  fi
  if $STARTED_CLUSTER; then
    pg_cluster_stop
    STARTED_CLUSTER=false
  fi
fi

build_ok=true
if want build; then
  check "next build" npm run --silent build || build_ok=false
fi

if want e2e; then
  section "Playwright e2e"
  start=$SECONDS
  if ! $build_ok; then
    echo "SKIPPED: the build failed, so the e2e leg cannot start the built server."
    record "playwright e2e" SKIP 0 "build failed"
  else
    if [[ -z "${E2E_PORT:-}" ]]; then
      E2E_PORT=18787
      while (exec 3<>"/dev/tcp/127.0.0.1/$E2E_PORT") 2>/dev/null; do
        E2E_PORT=$((E2E_PORT + 1))
        if [[ $E2E_PORT -ge 32768 ]]; then echo "no free port for the e2e server" >&2; break; fi
      done
    fi
    export E2E_PORT
    export E2E_REUSE_SERVER=0 # never test whatever server happens to be on the port
    echo "Server port: $E2E_PORT; browser: ${CHROMIUM_PATH:-/usr/bin/chromium}"
    if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
      echo "WARNING: ${CHROMIUM_PATH:-/usr/bin/chromium} not found (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)." >&2
    fi
    report="$REPORT_DIR/playwright.json"
    # DATABASE_URL is not passed to the e2e server (the config blanks it; E2E_DATABASE_URL opts in).
    PLAYWRIGHT_JSON_OUTPUT_FILE="$report" npm run --silent test:e2e -- --add-reporter=json
    rc=$?
    add_counts "playwright e2e" $rc "$start" "$(count_playwright "$report" $rc)"
  fi
fi

section "Summary ($((SECONDS - SUITE_START))s)"
printf '%s\n' "${SUMMARY[@]}"
[[ $SKIPPED -gt 0 ]] && echo "  ($SKIPPED tests skipped)"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
