#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests: initdb into a fresh temp dir, start it on a free
# loopback port below 32768 (trust auth, unix socket inside the temp dir), and stop + delete it.
#
# Standalone:
#   eval "$(bash scripts/pg-cluster.sh start)"   # prints `export DATABASE_URL=… PG_CLUSTER_DIR=…`
#   bash scripts/pg-cluster.sh stop [DIR]        # DIR defaults to $PG_CLUSTER_DIR
#   bash scripts/pg-cluster.sh run CMD [ARGS…]   # start, run CMD with DATABASE_URL set, stop
#   bash scripts/pg-cluster.sh available         # exit 0 when the Postgres binaries are found
#
# Sourced (from another bash script):
#   source scripts/pg-cluster.sh
#   pg_cluster_start || exit 1      # exports DATABASE_URL, PG_CLUSTER_DIR, PG_CLUSTER_PORT
#   trap pg_cluster_stop EXIT
#
# As root the server runs as the `postgres` OS user (Postgres refuses to run as root). Binaries
# are taken from PATH, or else from the newest /usr/lib/postgresql/*/bin (Debian's layout);
# PG_BINDIR overrides both. Diagnostics go to stderr; only the eval-able lines go to stdout.

# Everything below is functions; nothing runs at source time except definitions.

_pgc_log() { printf 'pg-cluster: %s\n' "$*" >&2; }

# Sets _PGC_BINDIR to a directory holding initdb, pg_ctl and postgres. Returns 1 if none.
_pgc_find_bindir() {
  local dir
  if [[ -n "${PG_BINDIR:-}" ]]; then
    if [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" && -x "$PG_BINDIR/postgres" ]]; then
      _PGC_BINDIR=$PG_BINDIR
      return 0
    fi
    _pgc_log "PG_BINDIR=$PG_BINDIR does not contain initdb, pg_ctl and postgres"
    return 1
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    # Resolve symlinks (Debian links /usr/local/bin/initdb -> /usr/lib/postgresql/N/bin/initdb) so
    # all three come from the same installation.
    dir=$(dirname "$(readlink -f "$(command -v initdb)")")
    if [[ -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      _PGC_BINDIR=$dir
    else
      _PGC_BINDIR=$(dirname "$(command -v initdb)")
    fi
    return 0
  fi
  # Debian/Ubuntu keep the server binaries off PATH; take the newest major version.
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
    _PGC_BINDIR=$dir
    return 0
  fi
  return 1
}

pg_cluster_available() {
  _pgc_find_bindir
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
_pgc_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      # su needs one command string; quote each argument.
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

# True when something accepts connections on 127.0.0.1:$1.
_pgc_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts a cluster. Exports DATABASE_URL, PG_CLUSTER_DIR, PG_CLUSTER_PORT. Returns non-zero on failure
# (after cleaning up whatever it made).
pg_cluster_start() {
  local dir port attempt
  if ! _pgc_find_bindir; then
    _pgc_log "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or under /usr/lib/postgresql/*/bin"
    return 1
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    _pgc_log "running as root but there is no 'postgres' OS user to run the server as (apt-get install -y postgresql creates it)"
    return 1
  fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pg.XXXXXX") || return 1
  : >"$dir/.switchboard-pg-cluster" # marker: pg_cluster_stop only deletes dirs that carry it
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir" "$dir/.switchboard-pg-cluster" || { rm -rf "$dir"; return 1; }
    # The temp dir's parents must be traversable by postgres (true for /tmp; check custom TMPDIRs).
    if ! _pgc_as_owner test -w "$dir" 2>/dev/null; then
      _pgc_log "the postgres user cannot write to $dir (is TMPDIR=${TMPDIR:-/tmp} traversable by it?)"
      rm -rf "$dir"
      return 1
    fi
  fi

  if ! _pgc_as_owner "$_PGC_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1; then
    _pgc_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi

  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    # A random port in [20000, 32000): below Linux's ephemeral range, so nothing auto-assigned collides.
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    _pgc_port_busy "$port" && continue
    # Throw-away data: no fsync, no full-page writes, minimal WAL. Socket lives in the temp dir so
    # no system-wide /var/run/postgresql is needed. pg_ctl -w waits until it accepts connections.
    if _pgc_as_owner "$_PGC_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c max_connections=300" \
      start >"$dir/pg_ctl.log" 2>&1; then
      export PG_CLUSTER_DIR=$dir
      export PG_CLUSTER_PORT=$port
      export PG_CLUSTER_BINDIR=$_PGC_BINDIR
      export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
      _pgc_log "started PostgreSQL ($("$_PGC_BINDIR/postgres" --version 2>/dev/null | awk '{print $3}')) on 127.0.0.1:$port, data in $dir"
      return 0
    fi
    if grep -qiE 'could not (bind|create listen socket)|address already in use' "$dir/postgres.log" "$dir/pg_ctl.log" 2>/dev/null; then
      _pgc_log "port $port was taken (attempt $attempt); trying another"
      : >"$dir/postgres.log"
      continue
    fi
    _pgc_log "pg_ctl start failed:"
    cat "$dir/pg_ctl.log" "$dir/postgres.log" >&2 2>/dev/null
    _pgc_stop_dir "$dir"
    return 1
  done
  _pgc_log "could not find a free port for PostgreSQL after 10 attempts"
  _pgc_stop_dir "$dir"
  return 1
}

# Stops the cluster in $1 (if running) and deletes the dir, but only if it is one of ours.
_pgc_stop_dir() {
  local dir=$1 pid bindir
  [[ -n "$dir" && -d "$dir" ]] || return 0
  if [[ ! -e "$dir/.switchboard-pg-cluster" ]]; then
    _pgc_log "refusing to delete $dir: not a pg-cluster.sh directory"
    return 1
  fi
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    bindir=${PG_CLUSTER_BINDIR:-}
    [[ -n "$bindir" ]] || { _pgc_find_bindir && bindir=$_PGC_BINDIR; }
    if [[ -z "$bindir" ]] || ! _pgc_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
      # pg_ctl missing or failed: signal the postmaster directly (first line of postmaster.pid).
      pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
      fi
    fi
  fi
  rm -rf "$dir"
  _pgc_log "stopped and removed $dir"
}

# Stops the cluster started by pg_cluster_start in this shell (or the one in $1 / $PG_CLUSTER_DIR).
pg_cluster_stop() {
  local dir=${1:-${PG_CLUSTER_DIR:-}}
  [[ -n "$dir" ]] || return 0
  _pgc_stop_dir "$dir"
  local rc=$?
  if [[ "$dir" == "${PG_CLUSTER_DIR:-}" ]]; then
    unset PG_CLUSTER_DIR PG_CLUSTER_PORT PG_CLUSTER_BINDIR DATABASE_URL
  fi
  return $rc
}

_pgc_main() {
  set -uo pipefail
  local cmd=${1:-}
  shift || true
  case "$cmd" in
    start)
      pg_cluster_start || exit 1
      printf 'export DATABASE_URL=%q\nexport PG_CLUSTER_DIR=%q\nexport PG_CLUSTER_PORT=%q\nexport PG_CLUSTER_BINDIR=%q\n' \
        "$DATABASE_URL" "$PG_CLUSTER_DIR" "$PG_CLUSTER_PORT" "$PG_CLUSTER_BINDIR"
      _pgc_log "stop it with: bash scripts/pg-cluster.sh stop $PG_CLUSTER_DIR"
      ;;
    stop)
      local dir=${1:-${PG_CLUSTER_DIR:-}}
      if [[ -z "$dir" ]]; then
        _pgc_log "usage: pg-cluster.sh stop DIR (or set PG_CLUSTER_DIR)"
        exit 2
      fi
      pg_cluster_stop "$dir"
      ;;
    run)
      if [[ $# -eq 0 ]]; then
        _pgc_log "usage: pg-cluster.sh run CMD [ARGS...]"
        exit 2
      fi
      pg_cluster_start || exit 1
      trap 'pg_cluster_stop' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      "$@"
      exit $?
      ;;
    available)
      if _pgc_find_bindir; then
        echo "$_PGC_BINDIR"
      else
        exit 1
      fi
      ;;
    *)
      sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  _pgc_main "$@"
fi
