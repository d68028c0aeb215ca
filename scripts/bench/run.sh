#!/usr/bin/env bash
# The side-by-side benchmark in one command: `stance` (f32, bf16 and int8) against its strongest
# Python peers on the same weights (all-MiniLM-L6-v2 with a 3-label head), the same inputs, 2
# threads: PyTorch f32 and bf16 autocast, ONNX Runtime f32 (TorchScript export) and int8 (dynamic
# quantisation); then `stance predict` end to end on news-style corpora, and what bf16 and int8
# cost in accuracy (SemEval-2016 test F_avg, wikinews-actors dev macro-F1, against f32). Prints the
# CPU, its SIMD flags and the kernel stance picks, every figure and stance's best over the fastest
# peer of each figure (a reduced precision counts only when its accuracy check passes), and writes
# work/bench/results.json.
#
#   scripts/bench/run.sh                 (REPS=5 THREADS=2 SIZES="500 5000" by default)
#   REPS=3 SIZES="500 2000" scripts/bench/run.sh
#   PEERS=pytorch-f32,ort-f32,ort-dynamo-f32 scripts/bench/run.sh   (peers: baselines.py --help)
#
# First run: creates the Python virtualenv (scripts/bench/setup-venv.sh, ~2.5 GB, a few
# minutes), builds `stance` in release mode and exports the model to ONNX once (cached in
# work/bench, redone when the model changes). Needs ../shared (SemEval-2016 test set,
# wikinews-actors dev, SEESAW articles). Other work on the machine skews all contenders alike only
# roughly: run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

reps=${REPS:-5}
threads=${THREADS:-2}
sizes=${SIZES:-"500 5000"}
shared=${SHARED:-../shared/datasets}
semeval_csv=$shared/semeval2016_task6/test.csv
wikinews_dev=$shared/wikinews-actors/dev.jsonl
for file in "$semeval_csv" "$wikinews_dev"; do
  [ -f "$file" ] || { echo "bench: error: $file not found (set SHARED=path/to/datasets)" >&2; exit 1; }
done

scripts/fetch-model.sh >/dev/null
scripts/bench/setup-venv.sh
python=work/bench-venv/bin/python
cargo build --release --quiet --bin stance --bench throughput
stance=target/release/stance
bench=$(cargo bench --bench throughput --no-run --message-format=json 2>/dev/null \
  | "$python" -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "throughput" and m.get("executable"):
        print(m["executable"])')
[ -x "$bench" ] || { echo "bench: error: could not build benches/throughput.rs" >&2; exit 1; }

mkdir -p work/bench
model=work/bench/model
[ -f "$model/model.safetensors" ] || "$stance" model init --base models/all-MiniLM-L6-v2 -o "$model" --seed 0 --force >/dev/null
"$stance" data import -q --format semeval2016 "$semeval_csv" -o work/bench/semeval_test.jsonl

# What the figures depend on: the CPU, its SIMD flags, and the kernel stance picks on it.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr ' ' '\n' \
  | grep -xE 'avx2|fma|avx512f|avx512_bf16|avx512_vnni|amx_bf16|amx_int8|amx_tile' | tr '\n' ' ' || true)
kernel=$("$stance" model info "$model" | sed -n 's/^inference[[:space:]]*/inference /p') \
  || { echo "bench: error: stance model info $model failed" >&2; exit 1; }
kernel=${kernel:-"inference: (stance model info printed no inference line)"}
flags=${flags% }
echo "bench: CPU ${cpu:-unknown}; flags: ${flags:-none of avx2 fma avx512* amx*}" >&2
echo "bench: stance model info: $kernel" >&2

export RAYON_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
echo "bench: stance (f32 with the training step; bf16 inference with the mixed-precision training step; int8 inference; the op-by-op f32 path for reference)" >&2
"$bench" --model "$model" --pairs work/bench/semeval_test.jsonl --reps "$reps" --precision f32 \
  --out work/bench/stance.json
"$bench" --model "$model" --pairs work/bench/semeval_test.jsonl --reps "$reps" --precision bf16 \
  --mixed-training --out work/bench/stance-bf16.json
"$bench" --model "$model" --pairs work/bench/semeval_test.jsonl --reps "$reps" --skip-train --precision int8 \
  --out work/bench/stance-int8.json
"$bench" --model "$model" --pairs work/bench/semeval_test.jsonl --reps "$reps" --skip-train --unfused \
  --precision f32 --out work/bench/stance-unfused.json
echo "bench: PyTorch f32 / bf16 and ONNX Runtime f32 / int8" >&2
"$python" scripts/bench/baselines.py --model "$model" --semeval "$semeval_csv" --threads "$threads" \
  --reps "$reps" ${PEERS:+--peers "$PEERS"} --out work/bench/baselines.json

# End to end: the default model when it exists (same speed as any model of this size).
predict_model=models/stance-default
[ -f "$predict_model/config.json" ] || predict_model=$model
echo "bench: stance predict on corpora of $sizes articles with $predict_model" >&2
"$python" scripts/bench/predict.py --stance "$stance" --model "$predict_model" --sizes $sizes \
  --out work/bench/predict.json

# What bf16 and int8 cost in accuracy: the same model in each precision on SemEval-2016 test
# (F_avg) and on wikinews-actors dev, the real-news yardstick (macro-F1); f32 is the reference and
# accuracy.py holds each set's threshold. Meaningful with a fine-tuned model; the bench's fresh
# head only shows the mechanics.
echo "bench: accuracy of $predict_model in f32, bf16 and int8 (SemEval test, wikinews-actors dev)" >&2
runs=()
for entry in "semeval=work/bench/semeval_test.jsonl" "wikinews-dev=$wikinews_dev"; do
  name=${entry%%=*} data=${entry#*=}
  for precision in f32 bf16 int8; do
    prefix=work/bench/eval-$name-$precision
    "$stance" eval -q --precision "$precision" -m "$predict_model" "$data" \
      --json "$prefix.json" --predictions "$prefix.jsonl" >/dev/null
    runs+=(--run "$name:$precision=$prefix")
  done
done
"$python" scripts/bench/accuracy.py "$predict_model" "${runs[@]}" --out work/bench/accuracy.json

# The folder must load in transformers with the same inputs and answers (issue 14): the actor
# marks and the first segment rebuilt in Python, logits within 1e-4 in f32. Fails the bench.
echo "bench: Python round trip of $predict_model (scripts/check_hf_compat.py)" >&2
"$python" scripts/check_hf_compat.py --model "$predict_model" --stance "$stance"
if [ -f "$predict_model/evidence/config.json" ]; then
  "$python" scripts/check_hf_compat.py --model "$predict_model/evidence" --stance "$stance"
fi

"$python" scripts/bench/compare.py work/bench/stance.json work/bench/stance-bf16.json \
  work/bench/baselines.json --int8 work/bench/stance-int8.json --unfused work/bench/stance-unfused.json \
  --predict work/bench/predict.json --accuracy work/bench/accuracy.json --stance-kernel "$kernel" \
  --out work/bench/results.json
