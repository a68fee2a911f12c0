#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its own data directory, its own socket
# directory, 127.0.0.1 only, durability off (fsync, synchronous_commit, full_page_writes).
#
#   scripts/pg.sh run -- CMD [ARG...]  start a server, run CMD with DANGBO_DATABASE_URL set,
#                                      stop the server and remove its files (CMD's exit code)
#   scripts/pg.sh start DIR            start a server with its files in DIR (made if missing);
#                                      prints postgres://… and writes it to DIR/url
#   scripts/pg.sh standby DIR PRIMARY  start a streaming standby of the server in PRIMARY (a DIR
#                                      of `start`), its files in DIR; prints its postgres://… (the
#                                      same role and password) and writes it to DIR/url
#   scripts/pg.sh stop DIR             stop that server and remove DIR (a standby before its primary)
#   scripts/pg.sh bindir               print the directory of initdb/pg_ctl/psql, or fail
#
# Environment: PG_BIN (where initdb is; default: Debian's /usr/lib/postgresql/<newest>/bin),
# DANGBO_PG_PORT (first port to try, default 54329). When run as root the server runs as the
# `postgres` system user (Debian's postgresql package creates it): PostgreSQL refuses root.
# The role `dangbo` gets CREATEDB, since pytest-django creates test_dangbo (and _gw0… under
# xdist) itself.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

pg_bindir() {
  if [[ -n ${PG_BIN:-} ]]; then
    [[ -x $PG_BIN/initdb ]] || die "PG_BIN=$PG_BIN has no initdb"
    echo "$PG_BIN"; return
  fi
  local dir
  # Debian keeps the server binaries off PATH, one directory per major version.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
    [[ -x $dir/initdb ]] && { echo "$dir"; return; }
  done
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir)
    [[ -x $dir/initdb ]] && { echo "$dir"; return; }
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  return 1
}

# Run a command as the user that owns the server: `postgres` when we are root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local dir=$1 bin data sock log port pw_super pw_app tries=0
  bin=$(pg_bindir) || die "PostgreSQL server binaries not found (install Debian's postgresql)"
  if [[ $(id -u) -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' user to run the server as"
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data=$dir/data sock=$dir/sock log=$dir/server.log
  mkdir -p "$sock"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$dir"
  chmod 700 "$dir"

  pw_super=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  pw_app=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$pw_super" >"$dir/pwfile"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pwfile"
  chmod 600 "$dir/pwfile"

  # The server's cwd must be readable by its user (root's cwd may not be).
  (cd "$dir" && as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/pwfile" \
      -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
      >"$dir/initdb.log" 2>&1) || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"

  port=${DANGBO_PG_PORT:-54329}
  while :; do
    tries=$((tries + 1))
    [[ $tries -le 50 ]] || die "no free port from ${DANGBO_PG_PORT:-54329} on"
    if port_busy "$port"; then port=$((port + 1)); continue; fi
    cat >"$data/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
logging_collector = off
log_min_messages = warning
CONF
    [[ $(id -u) -eq 0 ]] && chown postgres: "$data/postgresql.auto.conf"
    if (cd "$dir" && as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null); then
      break
    fi
    if grep -qiE 'could not (bind|create listen)|address already in use' "$log" 2>/dev/null; then
      port=$((port + 1)); continue
    fi
    cat "$log" >&2 || true
    die "the server did not start"
  done

  (cd "$dir" && as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" \
      -U postgres -d postgres >/dev/null) <<SQL || die "could not create the role and database"
CREATE ROLE dangbo LOGIN CREATEDB PASSWORD '$pw_app';
CREATE DATABASE dangbo OWNER dangbo;
SQL
  local url="postgres://dangbo:$pw_app@127.0.0.1:$port/dangbo"
  printf '%s\n' "$url" >"$dir/url"
  echo "$url"
}

# A hot standby of a running `start` server: pg_basebackup -R copies the primary and writes
# primary_conninfo, so the standby streams every later change (new databases included).
standby() {
  local dir=$1 primary bin pport port tries=0
  primary=$(cd "$2" && pwd)
  [[ -f $primary/url ]] || die "$primary is not a running pg.sh server"
  bin=$(pg_bindir) || die "PostgreSQL server binaries not found"
  pport=$(sed -E 's#.*:([0-9]+)/[^/]*$#\1#' "$primary/url")
  mkdir -p "$dir/sock"
  dir=$(cd "$dir" && pwd)
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$dir"
  chmod 700 "$dir"
  (cd "$dir" && as_owner "$bin/pg_basebackup" -h "$primary/sock" -p "$pport" -U postgres \
      -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1) \
    || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
  port=$((pport + 1))
  while :; do
    tries=$((tries + 1))
    [[ $tries -le 50 ]] || die "no free port for the standby"
    if port_busy "$port"; then port=$((port + 1)); continue; fi
    # Later lines of postgresql.auto.conf win: the copy's port and socket are the primary's.
    printf "port = %s\nunix_socket_directories = '%s'\nhot_standby = on\n" "$port" "$dir/sock" \
      | as_owner tee -a "$dir/data/postgresql.auto.conf" >/dev/null
    if (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null); then
      break
    fi
    if grep -qiE 'could not (bind|create listen)|address already in use' "$dir/server.log" 2>/dev/null; then
      port=$((port + 1)); continue
    fi
    cat "$dir/server.log" >&2 || true
    die "the standby did not start"
  done
  local url
  url=$(sed -E "s#:[0-9]+/([^/]*)\$#:$port/\1#" "$primary/url")
  printf '%s\n' "$url" >"$dir/url"
  echo "$url"
}

stop() {
  local dir=$1 bin pid
  [[ -d $dir ]] || return 0
  if [[ -f $dir/data/postmaster.pid ]]; then
    bin=$(pg_bindir || true)
    if [[ -n $bin ]]; then
      (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1) || true
    fi
    if [[ -f $dir/data/postmaster.pid ]]; then
      pid=$(head -n1 "$dir/data/postmaster.pid")
      [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

cmd=${1:-}
case $cmd in
  bindir) pg_bindir ;;
  start) [[ $# -eq 2 ]] || die "usage: pg.sh start DIR"; start "$2" ;;
  standby) [[ $# -eq 3 ]] || die "usage: pg.sh standby DIR PRIMARY_DIR"; standby "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || die "usage: pg.sh stop DIR"; stop "$2" ;;
  run)
    shift
    [[ ${1:-} == -- ]] && shift
    [[ $# -gt 0 ]] || die "usage: pg.sh run -- CMD [ARG...]"
    dir=$(mktemp -d "${TMPDIR:-/tmp}/dangbo-pg.XXXXXX")
    trap 'stop "$dir"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    DANGBO_DATABASE_URL=$(start "$dir")
    export DANGBO_DATABASE_URL
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
    ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
