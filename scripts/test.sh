#!/usr/bin/env bash
# The whole test run, as CI does it (`make test` calls this once the venv has ".[test]"):
#
#   1. system packages the tests need (scripts/test-deps.sh: apt-get as root, else a hint)
#   2. ruff check dangbo, mypy dangbo
#   3. makemigrations --check, compilemessages (if dangbo/locale exists), check --deploy
#   4. pytest on SQLite, in parallel (pytest-xdist), browser tests included
#   5. pytest again on a throwaway PostgreSQL server (scripts/pg.sh), browser tests included
#
# Every phase runs even when an earlier one failed (setup failures aside); the exit code is
# non-zero if any failed. The last line is the combined count: "TOTAL: N passed, N failed".
#
# Environment:
#   DANGBO_TEST_WORKERS   xdist workers (default: auto, one per core)
#   DANGBO_TEST_DBS       which databases to run the suite on (default: "sqlite postgres")
#   DANGBO_TEST_BROWSER   0 skips the browser tests (default: 1)
#   PYTEST_ADDOPTS        more pytest options, e.g. "-k login -x"
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}
PY=$BIN/python
WORKERS=${DANGBO_TEST_WORKERS:-auto}
DBS=${DANGBO_TEST_DBS:-sqlite postgres}
RESULTS=$ROOT/test-results  # screenshots of failed browser tests
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dangbo-test.XXXXXX")  # JUnit files, var/ dirs

# Settings must not be steered by the caller's shell.
unset DANGBO_ENV DANGBO_DATABASE_URL DANGBO_DEBUG DANGBO_SECRET_KEY DANGBO_ALLOWED_HOSTS
export PYTHONDONTWRITEBYTECODE=1

phase_names=() phase_secs=() phase_status=()
failed_phases=0
passed_total=0 failed_total=0 skipped_total=0
PG_DIR=""

now() { date +%s.%N; }
banner() { printf '\n==> %s\n' "$*"; }

# phase NAME CMD...: run CMD, time it, record ok/FAILED.
phase() {
  local name=$1 start rc
  shift
  banner "$name"
  start=$(now)
  "$@"
  rc=$?
  phase_names+=("$name")
  phase_secs+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')")
  if [[ $rc -eq 0 ]]; then
    phase_status+=(ok)
  else
    phase_status+=("FAILED (exit $rc)")
    failed_phases=$((failed_phases + 1))
  fi
  return "$rc"
}

stop_postgres() {
  if [[ -n $PG_DIR ]]; then
    bash "$ROOT/scripts/pg.sh" stop "$PG_DIR" || true
    PG_DIR=""
  fi
}
cleanup() {
  stop_postgres
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT
trap 'echo "terminated" >&2; exit 143' TERM

summary() {
  local i
  banner "Summary"
  for i in "${!phase_names[@]}"; do
    printf '  %-34s %7ss  %s\n' "${phase_names[$i]}" "${phase_secs[$i]}" "${phase_status[$i]}"
  done
  if [[ $skipped_total -gt 0 ]]; then
    printf 'TOTAL: %d passed, %d failed, %d skipped\n' "$passed_total" "$failed_total" "$skipped_total"
  else
    printf 'TOTAL: %d passed, %d failed\n' "$passed_total" "$failed_total"
  fi
}

# --- 1. system packages --------------------------------------------------------------------
if ! phase "system packages" bash -c "bash scripts/test-deps.sh && bash scripts/system-deps.sh --required"; then
  summary
  exit 1
fi
[[ -x $PY ]] || { echo "no $PY: run 'make test' (it installs the venv first)" >&2; exit 1; }

# --- 2. lint and types ---------------------------------------------------------------------
phase "ruff check" "$BIN/ruff" check dangbo
phase "mypy" "$BIN/mypy" dangbo

# --- 3. Django's own checks ----------------------------------------------------------------
phase "makemigrations --check" "$PY" manage.py makemigrations --check --dry-run

compile_messages() {
  if ! find dangbo/locale -name '*.po' 2>/dev/null | grep -q .; then
    echo "no dangbo/locale/*/LC_MESSAGES/*.po: nothing to compile"
    return 0
  fi
  # From inside dangbo/ so that it compiles our catalogues only, not those under .venv.
  (cd dangbo && "$PY" ../manage.py compilemessages)
}
phase "compilemessages" compile_messages

deploy_check() {
  DANGBO_ENV=production \
    DANGBO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DANGBO_ALLOWED_HOSTS=example.org \
    "$PY" manage.py check --deploy --fail-level WARNING
}
phase "check --deploy (production)" deploy_check

# --- 4./5. the suite -----------------------------------------------------------------------
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.png "$RESULTS"/*.html "$RESULTS"/*.log

# count_junit FILE LABEL: add the JUnit file's counts to the totals and print them.
count_junit() {
  local counts passed failed skipped
  counts=$("$PY" - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - failed - skipped, failed, skipped)
PY
)
  read -r passed failed skipped <<<"$counts"
  passed_total=$((passed_total + passed))
  failed_total=$((failed_total + failed))
  skipped_total=$((skipped_total + skipped))
  echo "$2: $passed passed, $failed failed, $skipped skipped"
}

run_pytest() {
  local label=$1 rc
  shift
  local args=(-n "$WORKERS" -q -rfE --durations=5 --junitxml="$RUN_DIR/junit-$label.xml")
  [[ ${DANGBO_TEST_BROWSER:-1} == 0 ]] && args+=(-m "not browser")
  "$BIN/pytest" "${args[@]}" "$@"
  rc=$?
  count_junit "$RUN_DIR/junit-$label.xml" "$label"
  if [[ $rc -eq 5 ]]; then
    echo "pytest collected no test on $label: that is a failure" >&2
    failed_total=$((failed_total + 1))
  elif [[ $rc -ne 0 && ! -s $RUN_DIR/junit-$label.xml ]]; then
    # pytest stopped before running anything (import error, bad option…): count it.
    failed_total=$((failed_total + 1))
  fi
  return "$rc"
}

# Each run gets its own var/ (media, static root), removed at the end.
pytest_sqlite() {
  mkdir -p "$RUN_DIR/var-sqlite/static"
  DANGBO_VAR_DIR="$RUN_DIR/var-sqlite" run_pytest sqlite
}

pytest_postgres() {
  local url rc
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dangbo-pg.XXXXXX")
  if ! url=$(bash scripts/pg.sh start "$PG_DIR"); then
    echo "PostgreSQL did not start: the PostgreSQL run counts as failed" >&2
    failed_total=$((failed_total + 1))
    return 1
  fi
  echo "PostgreSQL $("$(bash scripts/pg.sh bindir)/postgres" --version | awk '{print $3}')" \
    "on ${url##*@} (data in $PG_DIR)"
  mkdir -p "$RUN_DIR/var-postgres/static"
  DANGBO_DATABASE_URL=$url DANGBO_VAR_DIR="$RUN_DIR/var-postgres" run_pytest postgres
  rc=$?
  stop_postgres
  return "$rc"
}

for db in $DBS; do
  case $db in
    sqlite) phase "pytest on SQLite" pytest_sqlite ;;
    postgres) phase "pytest on PostgreSQL" pytest_postgres ;;
    *) echo "unknown database in DANGBO_TEST_DBS: $db" >&2; failed_phases=$((failed_phases + 1)) ;;
  esac
done

summary
[[ $failed_phases -eq 0 && $failed_total -eq 0 ]]
