#!/usr/bin/env bash
# Reproduces the benchmark figures of docs/results.md: fine-tunes all-MiniLM-L6-v2 on the public
# stance sets in ../shared/datasets and scores it. Training takes tens of minutes on 2 cores.
#
#   scripts/reproduce-results.sh [semeval|vast|seesaw|discovery|all] [SEED]
#
# Imported data go to work/data/, models to work/models/, metrics to work/results/ (all git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-all}
seed=${2:-42}
shared=${SHARED:-../shared/datasets}
[ -d "$shared" ] || { echo "reproduce: error: $shared not found (set SHARED=path/to/datasets)" >&2; exit 1; }

scripts/fetch-model.sh
cargo build --release --quiet
stance=target/release/stance
base=models/all-MiniLM-L6-v2
data=work/data
models=work/models
results=work/results
mkdir -p "$data" "$models" "$results"

timed() { # timed NAME command...: runs the command and records its wall time in $results/NAME.time
  local name=$1; shift
  local start; start=$(date +%s)
  "$@"
  echo "$(( $(date +%s) - start ))" > "$results/$name.time"
}

semeval() {
  # Official train (2,914 tweets) minus 300 held out as dev with a fixed seed; official Task A test
  # (1,249 tweets, five targets; Task B's "Donald Trump" has no training data and is left out).
  "$stance" data import --format semeval2016 "$shared/semeval2016_task6/train.csv" -o "$data/semeval_train_full.jsonl"
  "$stance" data import --format semeval2016 "$shared/semeval2016_task6/test.csv" -o "$data/semeval_test.jsonl" \
    --exclude-topic "Donald Trump"
  "$stance" data split "$data/semeval_train_full.jsonl" --dev-size 300 --seed 13 \
    --train-out "$data/semeval_train.jsonl" --dev-out "$data/semeval_dev.jsonl"
  timed "semeval-s$seed" "$stance" train --base "$base" --train "$data/semeval_train.jsonl" \
    --dev "$data/semeval_dev.jsonl" -o "$models/semeval-s$seed" --force \
    --epochs 6 --batch-size 32 --lr 5e-5 --warmup 0.1 --select f-avg --patience 3 --seed "$seed"
  "$stance" eval -m "$models/semeval-s$seed" "$data/semeval_test.jsonl" \
    --json "$results/semeval-s$seed.json" | tee "$results/semeval-s$seed.txt"
}

vast() {
  # VAST: official dev and test; training on a seeded random 5,000 of the 13,466 training comments,
  # one epoch, inputs cut to 128 tokens (the full set takes hours at this machine's speed).
  "$stance" data import --format vast "$shared/vast/vast_train.csv" -o "$data/vast_train_full.jsonl"
  "$stance" data import --format vast "$shared/vast/vast_dev_reduced.csv" -o "$data/vast_dev.jsonl"
  "$stance" data import --format vast "$shared/vast/vast_test.csv" -o "$data/vast_test.jsonl"
  "$stance" data split "$data/vast_train_full.jsonl" --dev-size 8466 --seed 13 \
    --train-out "$data/vast_train_5k.jsonl" --dev-out "$data/vast_train_unused.jsonl"
  timed "vast-s$seed" "$stance" train --base "$base" --train "$data/vast_train_5k.jsonl" \
    --dev "$data/vast_dev.jsonl" -o "$models/vast-s$seed" --force \
    --epochs 1 --batch-size 32 --lr 5e-5 --warmup 0.1 --max-length 128 --seed "$seed"
  "$stance" eval -m "$models/vast-s$seed" "$data/vast_test.jsonl" \
    --json "$results/vast-s$seed.json" | tee "$results/vast-s$seed.txt"
}

seesaw() {
  # Actor level: the default model (scripts/train-default.sh: SEESAW + own articles + SemEval,
  # then SEESAW + own articles), scored on SEESAW dev and the project's dev and test articles
  # (test topics never occur in training).
  timed "actors-s$seed" scripts/train-default.sh "$models/actors-s$seed" "$seed"
  for set in seesaw_dev:"$data/seesaw_dev.jsonl" articles_dev:datasets/articles/dev.jsonl \
             articles_test:datasets/articles/test.jsonl; do
    "$stance" eval -m "$models/actors-s$seed" "${set#*:}" --json "$results/actors-s$seed-${set%%:*}.json" \
      | tee "$results/actors-s$seed-${set%%:*}.txt"
  done
}

discovery() {
  # Actor discovery (docs/results.md, "Actor discovery with the tagger"): the default model with
  # its tagger, discovery by the rules and by rules + tagger on wikinews-actors dev and test,
  # with the stance macro-F1 it leads to.
  [ -f "$models/actors-s$seed/training.json" ] || timed "actors-s$seed" scripts/train-default.sh "$models/actors-s$seed" "$seed"
  for split in dev test; do
    for how in rules both; do
      "$stance" eval --task discovery --stances -m "$models/actors-s$seed" --discovery "$how" \
        "$shared/wikinews-actors/$split.jsonl" \
        --json "$results/discovery-$how-s$seed-$split.json" | tee "$results/discovery-$how-s$seed-$split.txt"
    done
  done
}

case "$what" in
  semeval) semeval ;;
  vast) vast ;;
  seesaw) seesaw ;;
  discovery) discovery ;;
  all) semeval; vast; seesaw; discovery ;;
  *) echo "reproduce: error: unknown set '$what' (semeval, vast, seesaw, discovery or all)" >&2; exit 2 ;;
esac
echo "results in $results/"
