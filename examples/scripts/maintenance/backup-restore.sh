#!/usr/bin/env bash
# Seed 001's backup-restore.sh for one environment's PostgreSQL database.
#
#   backup-restore.sh backup   <env> [label]   pg_dump (custom format) to $BACKUP_DIR/<env>/<id>.dump, then verify
#   backup-restore.sh list     <env>           one line per backup, newest first: id, created (epoch), bytes, label
#   backup-restore.sh verify   <env> [id]      checksum and archive readable (default: the latest)
#   backup-restore.sh describe <env> <id>      the backup and the database it would overwrite (key=value lines,
#                                              tables separated by ", ")
#   backup-restore.sh restore  <env> <id>      pg_restore --clean into the database, in one transaction
#   backup-restore.sh prune    <env> <days>    delete backups created more than <days> days ago
#
# opsbot passes the database URL as DATABASE_URL (from the catalog's databaseUrlEnv) and BACKUP_DIR.
# Arguments arrive as argv: they are checked here and never evaluated.
set -euo pipefail

die() { echo "error: $*" >&2; exit 2; }
[[ $# -ge 2 ]] || die "usage: backup-restore.sh backup|list|verify|describe|restore|prune <env> [args]"
action=$1
env=$2
shift 2
[[ "$env" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "not an environment name: $env"
dir="${BACKUP_DIR:-$HOME/.opsbot/backups}/$env"

need_db() { [[ -n "${DATABASE_URL:-}" ]] || die "no database URL for $env (set the variable the catalog names in databaseUrlEnv)"; }
created_of() { # backup_20261123_010000 → epoch seconds (UTC)
  local d=${1:7:8} t=${1:16:6}
  date -u -d "${d:0:4}-${d:4:2}-${d:6:2} ${t:0:2}:${t:2:2}:${t:4:2}" +%s
}
latest() { ls -1 "$dir" 2>/dev/null | grep -E '^backup_[0-9]{8}_[0-9]{6}\.dump$' | sort | tail -n 1 | sed 's/\.dump$//'; }
check_id() {
  [[ "$1" =~ ^backup_[0-9]{8}_[0-9]{6}$ ]] || die "\"$1\" is not a backup id (they look like backup_20261123_010000)"
  [[ -f "$dir/$1.dump" ]] || die "there is no backup $1 in $env"
}
verify() {
  local id=$1
  (cd "$dir" && sha256sum --quiet --check "$id.sha256") || die "$id is damaged: its checksum does not match"
  local objects
  objects=$(pg_restore --list "$dir/$id.dump" | grep -vc '^;') || die "$id is not a readable pg_dump archive"
  echo "verified $id: checksum matches, archive readable ($objects objects)"
}

case "$action" in
  backup)
    need_db
    label=${1:-}
    mkdir -p "$dir"
    id="backup_$(date -u +%Y%m%d_%H%M%S)"
    [[ ! -e "$dir/$id.dump" ]] || die "a backup named $id already exists; try again in a second"
    echo "dumping the $env database to $dir/$id.dump"
    pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$dir/$id.dump.partial"
    mv "$dir/$id.dump.partial" "$dir/$id.dump"
    (cd "$dir" && sha256sum "$id.dump" >"$id.sha256")
    printf '%s\n' "$label" >"$dir/$id.label"
    verify "$id"
    echo "Backup of $env done: $id ($(stat -c %s "$dir/$id.dump") bytes) in $dir"
    ;;
  list)
    [[ -d "$dir" ]] || exit 0
    for id in $(ls -1 "$dir" | grep -E '^backup_[0-9]{8}_[0-9]{6}\.dump$' | sed 's/\.dump$//' | sort -r); do
      label=$(head -n 1 "$dir/$id.label" 2>/dev/null || true)
      printf '%s\t%s\t%s\t%s\n' "$id" "$(created_of "$id")" "$(stat -c %s "$dir/$id.dump")" "$label"
    done
    ;;
  verify)
    id=${1:-$(latest)}
    [[ -n "$id" ]] || die "there are no backups of $env yet"
    check_id "$id"
    verify "$id"
    ;;
  describe)
    id=${1:-}
    check_id "$id"
    echo "id=$id"
    echo "created=$(created_of "$id")"
    echo "bytes=$(stat -c %s "$dir/$id.dump")"
    echo "label=$(head -n 1 "$dir/$id.label" 2>/dev/null || true)"
    echo "backup_tables=$(pg_restore --list "$dir/$id.dump" | awk '$4 == "TABLE" && $5 != "DATA" {print $5 "." $6}' | sed ':a;N;$!ba;s/\n/, /g')"
    need_db
    psql "$DATABASE_URL" --no-psqlrc -At -c "select 'database=' || current_database()" \
      -c "select 'database_size=' || pg_size_pretty(pg_database_size(current_database()))"
    echo "database_tables=$(psql "$DATABASE_URL" --no-psqlrc -At -c "select string_agg(schemaname || '.' || relname
      || '(' || n_live_tup || ' rows)', ', ' order by schemaname, relname) from pg_stat_user_tables")"
    ;;
  restore)
    need_db
    id=${1:-}
    check_id "$id"
    verify "$id"
    echo "restoring $id into the $env database (pg_restore --clean, one transaction)"
    pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$dir/$id.dump"
    echo "Restore of $env from $id done"
    ;;
  prune)
    days=${1:-}
    [[ "$days" =~ ^[0-9]+$ && "$days" -ge 1 ]] || die "prune needs a number of days (1 or more), got \"$days\""
    cutoff=$(($(date -u +%s) - days * 86400))
    deleted=0
    for id in $(ls -1 "$dir" 2>/dev/null | grep -E '^backup_[0-9]{8}_[0-9]{6}\.dump$' | sed 's/\.dump$//' | sort); do
      if [[ $(created_of "$id") -lt $cutoff ]]; then
        rm -f "$dir/$id.dump" "$dir/$id.sha256" "$dir/$id.label"
        echo "deleted $id"
        deleted=$((deleted + 1))
      fi
    done
    echo "pruned $deleted backups of $env older than $days days"
    ;;
  *)
    die "unknown action \"$action\": backup, list, verify, describe, restore or prune"
    ;;
esac
