#!/usr/bin/env bash
# Throughput and peak memory of `stance predict` on corpora of news-style articles.
#
#   scripts/bench-predict.sh [MODEL] [SIZES...]      (defaults: models/stance-default, 500 2000)
#
# The corpus cycles through the SEESAW articles (../shared/datasets/seesaw, real news) and the
# project's own articles, with unique ids, no actors given (discovery on), so each run measures
# the whole pipeline. Prints articles/s and peak RSS per size (GNU time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
model=${1:-models/stance-default}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000)
command -v /usr/bin/time >/dev/null || { echo "bench: error: GNU time is missing (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
stance=target/release/stance
mkdir -p work/bench
for n in "${sizes[@]}"; do
  corpus=work/bench/corpus-$n.jsonl
  python3 - "$n" "$corpus" <<'PY'
import json, sys, itertools
n, path = int(sys.argv[1]), sys.argv[2]
sources = []
for f in ["../shared/datasets/seesaw/train.jsonl", "../shared/datasets/seesaw/dev.jsonl",
          "datasets/articles/train.jsonl", "datasets/articles/dev.jsonl", "datasets/articles/test.jsonl"]:
    for line in open(f, encoding="utf-8"):
        a = json.loads(line)
        sources.append({"text": a["text"], "topic": a["topic"]})
with open(path, "w", encoding="utf-8") as out:
    for i, a in zip(range(n), itertools.cycle(sources)):
        out.write(json.dumps({"id": f"bench-{i}", "topic": a["topic"], "text": a["text"]}) + "\n")
PY
  out=work/bench/out-$n.jsonl
  rm -f "$out"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o work/bench/rss-$n.txt "$stance" predict -m "$model" --input "$corpus" -o "$out" --quiet
  end=$(date +%s.%N)
  python3 - "$n" "$start" "$end" "$(cat work/bench/rss-$n.txt)" "$out" <<'PY'
import sys, json
n, start, end, rss_kb, out = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
actors = sum(len(json.loads(l).get("actors", [])) for l in open(out))
secs = end - start
print(f"{n} articles: {secs:.1f} s, {n/secs:.2f} articles/s, {actors} actors ({actors/secs:.1f}/s), peak RSS {rss_kb/1024:.0f} MB")
PY
done
