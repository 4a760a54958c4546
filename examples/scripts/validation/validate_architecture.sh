#!/usr/bin/env bash
# Seed 000's validate_architecture.sh <project_path>: runs the Bloco-11 validator (hulk-validator) on a
# project. Without hulk-validator installed it says so and fails, as the runbook's "Command not found" case.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: validate_architecture.sh <project_path>" >&2; exit 64; }
project=$1
echo "validating the architecture of: $project"
if ! command -v hulk-validator >/dev/null 2>&1; then
  echo "Command not found: hulk-validator. Install the Bloco-11 tools on opsbot's PATH." >&2
  exit 127
fi
[[ -d "$project" ]] || { echo "error: no project directory \"$project\" (paths are relative to SCRIPTS_DIR)" >&2; exit 2; }
hulk-validator -- "$project"
echo "Validação concluída. Nenhuma violação encontrada."
