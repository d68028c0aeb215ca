#!/usr/bin/env bash
# Trains the default actor-level model (the one `stance predict` uses without --model) in two
# stages from all-MiniLM-L6-v2:
#   1. a broad mix: SEESAW train (real news, FAVOR/AGAINST), the project's own train articles
#      (which supply NONE) and SemEval-2016 train minus its 300 dev tweets; 2 epochs;
#   2. in-domain: SEESAW train and the own train articles (twice, to weigh the NONE class and the
#      news style), 3 more epochs at a lower learning rate.
# Dev data for both: SEESAW dev + the project's dev articles. Each stage resumes if interrupted.
#
#   scripts/train-default.sh [OUTPUT_DIR] [SEED]      (defaults: models/stance-default, 42)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-models/stance-default}
seed=${2:-42}
shared=${SHARED:-../shared/datasets}
[ -d "$shared" ] || { echo "train-default: error: $shared not found (set SHARED=path/to/datasets)" >&2; exit 1; }
stance=${STANCE_BIN:-target/release/stance}
[ -x "$stance" ] || cargo build --release --quiet
data=work/data
mkdir -p "$data"

"$stance" data import -q --format seesaw "$shared/seesaw/train.jsonl" -o "$data/seesaw_train.jsonl"
"$stance" data import -q --format seesaw "$shared/seesaw/dev.jsonl" -o "$data/seesaw_dev.jsonl"
"$stance" data import -q --format semeval2016 "$shared/semeval2016_task6/train.csv" -o "$data/semeval_train_full.jsonl"
"$stance" data split "$data/semeval_train_full.jsonl" --dev-size 300 --seed 13 \
  --train-out "$data/semeval_train.jsonl" --dev-out "$data/semeval_dev.jsonl" 2>/dev/null
cat "$data/seesaw_dev.jsonl" datasets/articles/dev.jsonl > "$data/actors_dev.jsonl"

# run_stage DIR ARGS...: trains into DIR unless it is finished; resumes an interrupted run.
run_stage() {
  local dir=$1; shift
  if [ -f "$dir/training.json" ]; then
    echo "train-default: $dir is already trained" >&2
  elif [ -d "$dir/checkpoint" ]; then
    "$stance" train -o "$dir" --resume
  else
    "$stance" train -o "$dir" --force "$@"
  fi
}

stage1=work/models/default-stage1-s$seed
run_stage "$stage1" --base models/all-MiniLM-L6-v2 \
  --train "$data/seesaw_train.jsonl" --train datasets/articles/train.jsonl --train "$data/semeval_train.jsonl" \
  --dev "$data/actors_dev.jsonl" --epochs 2 --batch-size 16 --lr 5e-5 --context-chars 700 --max-length 192 \
  --seed "$seed"
run_stage "$out" --base "$stage1" \
  --train "$data/seesaw_train.jsonl" --train datasets/articles/train.jsonl --train datasets/articles/train.jsonl \
  --dev "$data/actors_dev.jsonl" --epochs 3 --batch-size 16 --lr 3e-5 --context-chars 700 --max-length 192 \
  --seed "$seed"
