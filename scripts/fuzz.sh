#!/usr/bin/env bash
# Fuzzes the readers of user files (issue 14) with cargo-fuzz: the JSONL article/example reader,
# the dataset importers, the model config reader and predict's resume scanner, SECONDS each
# (default 600), one after the other. The corpora start from the project's own data
# (datasets/, tests' inputs) and grow in fuzz/corpus/ (git-ignored); a crash leaves its input in
# fuzz/artifacts/TARGET/ and stops the script with a non-zero exit. Not part of CI.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs nightly compiler flags; the stable toolchain is told to allow them with
# RUSTC_BOOTSTRAP=1 (no nightly toolchain can be fetched here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-600}
shift || true
targets=${*:-"jsonl_records csv_import model_config resume_scan"}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

# Seed corpora: small real files of the project, split into pieces libFuzzer can mutate.
seed() {
  local target=$1; shift
  local dir=fuzz/corpus/$target
  mkdir -p "$dir"
  for file in "$@"; do
    [ -f "$file" ] || continue
    head -c 4096 "$file" > "$dir/seed-$(basename "$file")"
  done
}
seed jsonl_records datasets/articles/*.jsonl datasets/*.jsonl
seed csv_import datasets/*.csv datasets/articles/*.jsonl
seed model_config models/*/config.json
seed resume_scan datasets/articles/*.jsonl
# A config and outputs built here, so that the seeds exist even without a trained model.
printf '%s' '{"vocab_size":30,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":16,"hidden_act":"gelu","max_position_embeddings":64,"type_vocab_size":2,"layer_norm_eps":1e-12,"id2label":{"0":"FAVOR","1":"AGAINST","2":"NONE"},"stance":{"max_length":32,"mark_actor":true,"actor_marks":["«","»"]}}' \
  > fuzz/corpus/model_config/seed-tiny.json
printf '%s\n' 'Tweet,Target,Stance,Opinion Towards,Sentiment' 'hello world,Atheism,AGAINST,1,neg' \
  > fuzz/corpus/csv_import/seed-semeval.csv
printf '%s\n' '{"id":"a","topic":"t","actors":[]}' '{"id":"line:2","error":"x"}' '{"id":"b","topi' \
  > fuzz/corpus/resume_scan/seed-jsonl
printf '%s\n' 'id,topic,actor,stance' 'a,t,x,FAVOR' \
  > fuzz/corpus/resume_scan/seed-csv

for target in $targets; do
  echo "fuzz: $target for $seconds s" >&2
  (cd fuzz && cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1) 2>&1 | tee "fuzz/$target.log" \
    | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
  if grep -qE "ERROR: libFuzzer|panicked|SUMMARY: " "fuzz/$target.log"; then
    echo "fuzz: $target found a crash (fuzz/$target.log, fuzz/artifacts/$target/)" >&2
    exit 1
  fi
done
echo "fuzz: no crash in $targets" >&2
