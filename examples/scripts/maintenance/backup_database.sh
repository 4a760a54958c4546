#!/usr/bin/env bash
# Seed 000's backup_database.sh <env> [label]: a consistent backup of the environment's database,
# verified right after it is written (see backup-restore.sh beside it).
set -euo pipefail
exec "$(dirname "$0")/backup-restore.sh" backup "$@"
