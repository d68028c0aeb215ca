#!/usr/bin/env bash
# Chooses a shift of one label's logit (`stance model shift`) on dev data: evaluates the grid
# -1.0, -0.75, …, 2.0 and prints the shift with the best macro-F1 (the smallest change on ties).
# The model is evaluated as it is, with its evidence scorer if it has one.
#
#   scripts/choose-shift.sh MODEL DEV.jsonl [LABEL]        (LABEL default: FAVOR)
#
# The dev file is the only data looked at: choose on dev, report test with the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 2 ] && [ $# -le 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
model=$1 dev=$2 label=${3:-FAVOR}
stance=${STANCE_BIN:-target/release/stance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for x in -1.00 -0.75 -0.50 -0.25 0.00 0.25 0.50 0.75 1.00 1.25 1.50 1.75 2.00; do
  "$stance" eval -q -m "$model" "$dev" --logit-shift "$label=$x" --json "$work/$x.json" > /dev/null
done
python3 scripts/best_on_dev.py "$work"
