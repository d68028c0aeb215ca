#!/usr/bin/env bash
# Chooses the evidence threshold of a stance model and scorer on dev data: evaluates the grid
# 0.05, 0.10, …, 0.50 and prints the threshold with the best macro-F1 (the lowest on ties).
#
#   scripts/choose-threshold.sh MODEL SCORER DEV.jsonl
#
# The dev file is the only data looked at: choose on dev, report test with the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -eq 3 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
model=$1 scorer=$2 dev=$3
stance=${STANCE_BIN:-target/release/stance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in 0.05 0.10 0.15 0.20 0.25 0.30 0.35 0.40 0.45 0.50; do
  "$stance" eval -q -m "$model" "$dev" --evidence "$scorer" --evidence-threshold "$t" \
    --json "$work/$t.json" > /dev/null
done
python3 scripts/best_on_dev.py "$work"
