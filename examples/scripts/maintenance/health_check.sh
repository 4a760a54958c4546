#!/usr/bin/env bash
# Seed 000's health_check.sh, the part pods and HTTP checks do not cover: disk space where opsbot runs
# (the backups land there). Prints one line and exits as monitoring plugins do: 0 OK, 1 WARN, 2 CRITICAL.
# Usage: health_check.sh <env>. Name it in the catalog: environments.<env>.healthScript.
set -euo pipefail
env=${1:?usage: health_check.sh <env>}
used=$(df -P . | awk 'NR == 2 { sub("%", "", $5); print $5 }')
if [[ -z "$used" ]]; then echo "$env: could not read disk usage"; exit 3; fi
if (( used >= 90 )); then echo "$env: disk ${used}% used (critical at 90%)"; exit 2; fi
if (( used >= 80 )); then echo "$env: disk ${used}% used (warning at 80%)"; exit 1; fi
echo "$env: disk ${used}% used"
