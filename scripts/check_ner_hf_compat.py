"""Check that a named-entity tagger saved by `stance` tags the same in Python transformers.

    python scripts/check_ner_hf_compat.py --model DIR --conll FILE [--stance target/release/stance]
                                          [--limit 500]

Runs `STANCE --precision f32 eval --task ner -m DIR FILE --predictions TMP` (one JSON line per
sentence: "words", "gold", "predicted"), then loads DIR with AutoModelForTokenClassification
(offline, eval mode, f32) and DIR/tokenizer.json with the tokenizers library, encodes each
sentence's words as pre-tokenised input ([CLS] … [SEP], no truncation, no padding), takes the
argmax tag of each word's first piece and compares it with stance's. Sentences longer than
stance's window (128 tokens) are skipped: stance reads them in overlapping windows. A tagger whose
config says "casing_token_types" gets each piece's casing type as token_type_ids (the rule of
src/ner/casing.rs, restated below). Exit status:
0 = the same tags for every sentence checked, 1 = a mismatch, 2 = stance or the folder could not be
used. Needs torch, transformers and tokenizers; never touches the network.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import AutoModelForTokenClassification  # noqa: E402

WINDOW = 128


def casing_type(word: str) -> int:
    """0 no capital first letter, 1 a capital first letter, 2 capitals only (two or more)."""
    letters = [c for c in word if c.isalpha()]
    if not letters or not letters[0].isupper():
        return 0
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return 2
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--conll", required=True, type=Path)
    parser.add_argument("--stance", default="target/release/stance")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        predictions = Path(tmp) / "tags.jsonl"
        run = subprocess.run(
            [args.stance, "--precision", "f32", "eval", "--task", "ner", "-m", str(args.model),
             str(args.conll), "--predictions", str(predictions)],
            capture_output=True, text=True,
        )
        if run.returncode != 0:
            print(f"check_ner_hf_compat: stance failed: {run.stderr.strip()}", file=sys.stderr)
            return 2
        rows = [json.loads(line) for line in predictions.read_text().splitlines()][: args.limit]

    model = AutoModelForTokenClassification.from_pretrained(str(args.model)).eval()
    id2label = model.config.id2label
    reads_casing = bool(getattr(model.config, "casing_token_types", False))
    tokenizer = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    checked = skipped = mismatched = 0
    for row in rows:
        encoding = tokenizer.encode(row["words"], is_pretokenized=True, add_special_tokens=True)
        if len(encoding.ids) > WINDOW:
            skipped += 1
            continue
        types = [0 if w is None else casing_type(row["words"][w]) for w in encoding.word_ids]
        if not reads_casing:
            types = [0] * len(types)
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([encoding.ids]),
                           token_type_ids=torch.tensor([types])).logits[0]
        best = logits.argmax(-1).tolist()
        tags, seen = [], set()
        for position, word in enumerate(encoding.word_ids):
            if word is not None and word not in seen:
                seen.add(word)
                tags.append(id2label[best[position]])
        checked += 1
        if tags != row["predicted"]:
            mismatched += 1
            if mismatched <= 3:
                print(f"mismatch: {row['words']}\n  stance {row['predicted']}\n  python {tags}")
    print(f"{checked} sentences checked, {skipped} longer than {WINDOW} tokens skipped, "
          f"{mismatched} with other tags in Python")
    return 1 if mismatched or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
