#!/usr/bin/env bash
# Seed 000's toggle_feature.sh <feature> <enable|disable> <env>: sets the flag in features.yaml.
set -euo pipefail
here=$(dirname "$0")
file="${FEATURES_FILE:-$HOME/.opsbot/features.yaml}"
[[ $# -eq 3 ]] || { echo "usage: toggle_feature.sh <feature> enable|disable <env>" >&2; exit 64; }
name=$1 state=$2 env=$3
[[ "$state" == enable || "$state" == disable ]] || { echo "error: state must be enable or disable, got \"$state\"" >&2; exit 2; }
[[ "$env" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: not an environment name: $env" >&2; exit 2; }
if [[ ! -f "$file" ]]; then mkdir -p "$(dirname "$file")" && cp "$here/features.yaml" "$file"; fi
if ! "$here/list_features.sh" "$env" | awk -v n="$name" '$1 == n { found = 1 } END { exit !found }'; then
  echo "Feature not found: $name (known: $("$here/list_features.sh" "$env" | cut -d' ' -f1 | paste -sd ' ' -))" >&2
  exit 3
fi
value=$([[ "$state" == enable ]] && echo true || echo false)
tmp=$(mktemp "$file.XXXXXX")
awk -v flag="$name" -v env="$env" -v value="$value" '
  /^[A-Za-z0-9_.-]+:[[:space:]]*$/ { current = substr($1, 1, length($1) - 1) }
  current == flag && $1 == env ":" { sub(/:.*/, ": " value) }
  { print }
' "$file" >"$tmp"
mv "$tmp" "$file"
echo "Feature $name was ${state}d in $env."
