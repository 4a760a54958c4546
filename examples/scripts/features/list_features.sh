#!/usr/bin/env bash
# list_features.sh <env>: one "<name> <enabled|disabled>" line per flag of features.yaml in that environment.
set -euo pipefail
here=$(dirname "$0")
file="${FEATURES_FILE:-$HOME/.opsbot/features.yaml}"
env=${1:-}
[[ "$env" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: not an environment name: $env" >&2; exit 2; }
if [[ ! -f "$file" ]]; then mkdir -p "$(dirname "$file")" && cp "$here/features.yaml" "$file"; fi
awk -v env="$env" '
  /^[A-Za-z0-9_.-]+:[[:space:]]*$/ { flag = substr($1, 1, length($1) - 1); next }
  flag != "" && $1 == env ":" { print flag, ($2 == "true" ? "enabled" : "disabled") }
' "$file"
