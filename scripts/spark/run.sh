#!/usr/bin/env bash
# `stance predict` over a corpus with Apache Spark (PySpark from PyPI, local[2]): rdd.pipe feeds
# each partition's JSONL through the binary; the result is compared with a single-process run.
# Not part of CI (it needs Java 17+ and downloads PySpark into work/spark-venv on first use).
#
#   scripts/spark/run.sh [--input CORPUS.jsonl] [--model DIR] [--master local[2]] [--partitions N]
#
# Defaults: the project's own articles (datasets/articles/*.jsonl, their actors given),
# scripts/report/hostile.jsonl and one invalid line; models/stance-default when trained, else a
# random head on all-MiniLM-L6-v2 (work/tmpmodel: stances meaningless, the plumbing is checked).
# Output in work/spark/: single.jsonl (one process), spark-output/part-* (Spark).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work=work/spark
mkdir -p "$work"
stance=target/release/stance

command -v java >/dev/null || { echo "spark: error: Java is not installed (Spark needs Java 17 or later)" >&2; exit 2; }
venv=work/spark-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  echo "spark: installing PySpark into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyspark
fi
[ -x "$stance" ] || nice -n 19 cargo build --release --quiet

input="" model=""
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --input) input=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$model" ]; then
  model=models/stance-default
  if [ ! -f "$model/config.json" ]; then
    model=work/tmpmodel
    [ -f "$model/config.json" ] || "$stance" model init --base models/all-MiniLM-L6-v2 -o "$model"
  fi
fi
if [ -z "$input" ]; then
  input=$work/corpus.jsonl
  {
    cat scripts/report/hostile.jsonl datasets/articles/train.jsonl datasets/articles/dev.jsonl \
      datasets/articles/test.jsonl
    echo '{"id": "broken", "topic": "an article without text"}'
  } >"$input"
fi
exec "$venv/bin/python" scripts/spark/run_spark.py --stance "$stance" --model "$model" \
  --input "$input" --out "$work" "${args[@]}"
