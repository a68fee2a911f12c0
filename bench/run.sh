#!/usr/bin/env bash
# `make bench`: every benchmark of bench/, on SQLite and on a throwaway PostgreSQL server.
# Not part of `make test`. Each script builds its own data (cached between runs) and prints a table.
#
#   BENCH_DBS="sqlite postgres"   which databases (default both)
#   BENCH_ONLY="search meetings"  which benchmarks (default all bench/*_bench.py)
#   BENCH_ARGS="--n 20000"        extra arguments for every script (e.g. a smaller workload)
#
# bench/http_bench.py (dangbo and Redmine both over HTTP, interleaved) runs on PostgreSQL only, as
# root, when Redmine is installed and seeded as shared/peers/redmine describes; otherwise it says
# why it is skipped. national_bench.py (the country at --scale 0.02 by default) and soak_bench.py
# (50 users for 10 minutes) run on PostgreSQL only.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DBS=${BENCH_DBS:-sqlite postgres}
scripts=()
for f in bench/*_bench.py; do
  name=$(basename "$f" _bench.py)
  if [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" $name "* ]]; then scripts+=("$f"); fi
done
status=0
for db in $DBS; do
  for script in "${scripts[@]}"; do
    printf '\n==> %s on %s\n' "$script" "$db"
    if [[ $script == */http_bench.py ]]; then
      if [[ $db != postgres ]]; then continue; fi
      if [[ ! -d /usr/share/redmine || $(id -u) -ne 0 ]]; then
        echo "skipped: needs Redmine installed and seeded (shared/peers/redmine: setup.sh, seed.sh) and root"
        continue
      fi
    fi
    if [[ $db != postgres && ( $script == */national_bench.py || $script == */soak_bench.py ) ]]; then
      echo "skipped: PostgreSQL only"
      continue
    fi
    if [[ $db == postgres ]]; then
      # shellcheck disable=SC2086
      bash scripts/pg.sh run -- "$PY" "$script" ${BENCH_ARGS:-} || status=1
    else
      # shellcheck disable=SC2086
      env -u DANGBO_DATABASE_URL "$PY" "$script" ${BENCH_ARGS:-} || status=1
    fi
  done
done
exit $status
