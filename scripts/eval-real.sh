#!/usr/bin/env bash
# The real-news yardstick in one command: scores a model (or a recipe trained with several seeds)
# on every set that measures `stance` on news it was not built around, and prints one table.
#
#   scripts/eval-real.sh MODEL [SEEDS]          e.g. scripts/eval-real.sh models/stance-default
#   scripts/eval-real.sh 'work/models/r-s{seed}' "42 43 44"
#   DEV_ONLY=1 scripts/eval-real.sh MODEL       selection: leave wikinews-actors test out
#
# Sets (read from ../shared/datasets, never copied):
#   wikinews dev / test    wikinews-actors, actors given, contexts chosen by the model's rules
#   … evidence only        the same actors with only the labelled evidence as text (the classifier
#                          alone: `stance data evidence`)
#   seesaw dev             SEESAW dev topics (real news, FAVOR/AGAINST only: F_avg is its figure)
#   own test               datasets/articles/test.jsonl (helper-written: a check, not evidence)
#   seed article           ../shared/examples/erdogan-rouhani-2017-10-04.txt, the four actors
#                          named: how many of 4 are right (a check, not a selector)
# With SEEDS, MODEL holds `{seed}` and each figure is the mean ± spread (sample standard
# deviation) over the seeds. Per-model JSON reports go to work/eval-real/.
#
# Rules of the yardstick (docs/results.md): select on dev, report test once per candidate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 1 ] || { sed -n '2,21p' "$0" >&2; exit 2; }
pattern=$1
seeds=${2:-}
shared=${SHARED:-../shared/datasets}
examples=${EXAMPLES:-../shared/examples}
stance=${STANCE_BIN:-target/release/stance}
[ -d "$shared/wikinews-actors" ] || { echo "eval-real: error: $shared/wikinews-actors not found (set SHARED)" >&2; exit 1; }
[ -x "$stance" ] || cargo build --release --quiet

data=work/data
out=work/eval-real
mkdir -p "$data" "$out"
# Derived inputs (rebuilt each run: cheap, and never stale).
"$stance" data evidence -q "$shared/wikinews-actors/dev.jsonl" -o "$data/wikinews_dev_evidence.jsonl"
"$stance" data evidence -q "$shared/wikinews-actors/test.jsonl" -o "$data/wikinews_test_evidence.jsonl"
"$stance" data import -q --format seesaw "$shared/seesaw/dev.jsonl" -o "$data/seesaw_dev.jsonl"

sets=(
  "wikinews dev|$shared/wikinews-actors/dev.jsonl"
  "wikinews dev, evidence only|$data/wikinews_dev_evidence.jsonl"
)
if [ -z "${DEV_ONLY:-}" ]; then
  sets+=(
    "wikinews test|$shared/wikinews-actors/test.jsonl"
    "wikinews test, evidence only|$data/wikinews_test_evidence.jsonl"
  )
fi
sets+=(
  "seesaw dev|$data/seesaw_dev.jsonl"
  "own test|datasets/articles/test.jsonl"
)

if [ -n "$seeds" ]; then
  case "$pattern" in *"{seed}"*) ;; *) echo "eval-real: error: with SEEDS, MODEL must contain {seed}" >&2; exit 2;; esac
  models=(); for s in $seeds; do models+=("${pattern//\{seed\}/$s}"); done
else
  models=("$pattern")
fi

reports=()
for model in "${models[@]}"; do
  [ -f "$model/config.json" ] || { echo "eval-real: error: $model is not a model folder" >&2; exit 1; }
  tag=$(echo "$model" | tr '/' '_')
  for entry in "${sets[@]}"; do
    name=${entry%%|*}; file=${entry#*|}
    json="$out/$tag.$(echo "$name" | tr ' ,' '__').json"
    "$stance" eval -q -m "$model" "$file" --json "$json" > /dev/null
    reports+=("$model|$name|$json")
  done
  seed_json="$out/$tag.seed_article.json"
  "$stance" predict -q -m "$model" --json --text "$examples/erdogan-rouhani-2017-10-04.txt" \
    --topic "the Kurdish independence referendum" \
    --actor "Recep Tayyip Erdogan" --actor "Hassan Rouhani" --actor "Iraqi central government" \
    --actor "Kurdish Regional Government (KRG)" > "$seed_json"
  reports+=("$model|seed article|$seed_json")
done
python3 scripts/eval_real.py "$examples/erdogan-rouhani-2017-10-04.labels.json" "${reports[@]}"
