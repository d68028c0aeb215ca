"""Check that a model folder saved by `stance` gives the same results in Python transformers.

Check mode compares `stance classify` with Python transformers and tokenizers on the same inputs:

    python scripts/check_hf_compat.py --model DIR [--stance target/release/stance]
                                      [--input pairs.jsonl] [--tol 1e-4]

  * runs `STANCE --precision f32 classify --model DIR --input FILE --json --show-input`. It should print one JSON
    object per input line, in order, with "logits", "input_ids", "token_type_ids" and "label";
  * loads DIR with AutoModelForSequenceClassification (offline, eval mode, f32), feeds it
    stance's ids and compares the logits (max abs diff per example must be <= --tol).
    If config.json has "stance": {"pooling": "mean"}, the logits are computed as
    classifier(mean over tokens of bert(...).last_hidden_state) instead of through the pooler;
  * builds each input again in Python: when config.json's "stance" section has "mark_actor",
    the actor's mentions (the forms stance printed in "mentions") are wrapped in "actor_marks"
    by mark_mentions() (the README's lines) and the text must equal stance's "context"; then
    encodes it with DIR/tokenizer.json ("first_segment_template", "max_length", truncation
    only_second, no padding) and checks the ids match stance's;
  * checks each printed label is config.json's id2label[argmax(logits)].
  The input JSONL has {"topic", "actor"?, "text"} per line. Without --input, a few built-in
  pairs are used (one with no actor, one longer than max_length).
  Exit status: 0 = compatible, 1 = a mismatch, 2 = stance or the folder could not be used.

Reference mode builds a tiny random Python model for testing the Rust loader:

    python scripts/check_hf_compat.py --make-reference-folder OUT --tokenizer tokenizer.json
                                      [--pooling cls|mean] [--max-length 256]

  writes OUT/{config.json, model.safetensors, tokenizer.json}, OUT/inputs.jsonl (the built-in
  pairs; give this file, not the next, to `stance classify --input`) and
  OUT/reference_logits.jsonl (the pairs with the ids, logits and label Python gets).

Needs torch, transformers, tokenizers and safetensors; never touches the network.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import AutoModelForSequenceClassification, BertConfig  # noqa: E402
from transformers import BertForSequenceClassification  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

hf_logging.set_verbosity_error()  # this script reports missing weights itself
hf_logging.disable_progress_bar()

LABELS = ["FAVOR", "AGAINST", "NONE"]
DEFAULT_TEMPLATE = "{topic} [SEP] {actor}"

_LONG_TEXT = " ".join(
    f"In paragraph {i} the minister repeated that the new wind farms would create jobs, "
    "while the opposition leader called the plan an expensive mistake for rural towns."
    for i in range(1, 41)
)  # about 1,000 words

BUILTIN_PAIRS = [
    {"topic": "wind energy", "actor": "the minister",
     "text": "The minister said the new wind farms will power a million homes."},
    {"topic": "wind energy", "actor": "the opposition",
     "text": "The opposition called the turbines an eyesore and a waste of money."},
    {"topic": "the tax reform",
     "text": "Parliament will debate the tax reform on Tuesday."},
    {"topic": "Brexit", "actor": "Nigel Farage",
     "text": "Farage welcomed the result: \"We finally took back control!\""},
    {"topic": "wind energy", "actor": "the minister", "text": _LONG_TEXT},
]


class Unusable(Exception):
    """stance or the model folder cannot be used at all (exit status 2)."""


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def mark_mentions(text, mentions, marks=("«", "»")):
    """The text with each mention wrapped as `« mention »`, the way stance marks an actor.

    `mentions` are the forms of the actor as written in the text (stance's own are printed by
    `stance classify --json --show-input`); the longest is placed first, whole words only, and
    marks never overlap. This is the function the README shows for building inputs in Python.
    """
    import re
    spans = []
    for form in sorted(set(mentions), key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
            if not any(m.start() < e and s < m.end() for s, e in spans):
                spans.append((m.start(), m.end()))
    out, last = [], 0
    for s, e in sorted(spans):
        out += [text[last:s], f"{marks[0]} {text[s:e]} {marks[1]}"]
        last = e
    return "".join(out + [text[last:]])


def first_segment(template, pair):
    """The first tokenizer segment: the template filled in, or only the topic without actor."""
    actor = pair.get("actor")
    if not actor:
        return pair["topic"]
    return template.replace("{topic}", pair["topic"]).replace("{actor}", actor)


def load_tokenizer(path, max_length):
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.no_truncation()  # tokenizer.json files often carry their own settings: drop them
    tok.enable_truncation(max_length, strategy="only_second")
    return tok


def encode(tok, template, pair, context=None):
    enc = tok.encode(first_segment(template, pair), pair["text"] if context is None else context)
    return enc.ids, enc.type_ids


def stance_settings(config):
    section = config.get("stance")
    if not isinstance(section, dict):
        raise Unusable('config.json has no "stance" section')
    if not isinstance(section.get("max_length"), int):
        raise Unusable('config.json: "stance" section has no integer "max_length"')
    marks = tuple(section.get("actor_marks", ["«", "»"])) if section.get("mark_actor") else None
    return (section.get("first_segment_template", DEFAULT_TEMPLATE),
            section["max_length"], section.get("pooling", "cls"), marks)


@torch.no_grad()
def python_logits(model, pooling, input_ids, token_type_ids):
    ids = torch.tensor([input_ids], dtype=torch.long)
    types = torch.tensor([token_type_ids], dtype=torch.long)
    mask = torch.ones_like(ids)
    if pooling != "mean":
        return model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits[0].tolist()
    encoder = getattr(model, model.base_model_prefix)
    hidden = encoder(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(dim=1) / m.sum(dim=1)
    return model.classifier(model.dropout(pooled))[0].tolist()


def load_model(model_dir, pooling):
    model, info = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, output_loading_info=True)
    missing = list(info.get("missing_keys", []))
    if pooling == "mean":  # the pooler is not used with mean pooling
        if any(".pooler." in f".{k}" for k in missing):
            print("note: no pooler weights in the folder (not used with mean pooling)")
        missing = [k for k in missing if ".pooler." not in f".{k}"]
    if missing:
        raise Unusable(f"weights missing from {model_dir} (Python would use random values): "
                       + ", ".join(sorted(missing)))
    for key in sorted(info.get("unexpected_keys", [])):
        print(f"note: tensor {key} in the weights file is not used by transformers")
    return model.float().eval()


def run_stance(binary, model_dir, input_path, gated=False):
    if not Path(binary).is_file():
        raise Unusable(f"stance binary not found: {binary} (build it with `cargo build --release`)")
    # f32: the reference is transformers in f32; bf16 (stance's default) differs by ~1e-2.
    cmd = [str(binary), "--precision", "f32", "classify", "--model", str(model_dir),
           "--input", str(input_path), "--json", "--show-input"]
    if gated:
        # The classifier alone: its evidence scorer (evidence/, a second folder checked on its
        # own with --model DIR/evidence) may turn a label into NONE, which transformers cannot.
        cmd += ["--evidence-threshold", "0"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no stderr)"]
        reason = next((line for line in lines if "error" in line.lower()), lines[-1])
        raise Unusable(f"`{' '.join(cmd)}` exited with {proc.returncode}: {reason.strip()}")
    try:
        results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    except json.JSONDecodeError as e:
        raise Unusable(f"stance printed a line that is not JSON: {e}") from None
    for i, res in enumerate(results):
        absent = [k for k in ("logits", "input_ids", "token_type_ids", "label") if k not in res]
        if absent:
            raise Unusable(f"stance result {i} lacks {', '.join(absent)}")
    return results


def check(args):
    model_dir = Path(args.model)
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    template, max_length, pooling, marks = stance_settings(config)
    id2label = {int(k): v for k, v in config.get("id2label", {}).items()}

    with tempfile.TemporaryDirectory() as tmp:
        input_path = args.input
        if input_path is None:
            input_path = Path(tmp) / "pairs.jsonl"
            write_jsonl(input_path, BUILTIN_PAIRS)
        pairs = read_jsonl(input_path)
        gated = config.get("stance", {}).get("evidence_threshold") is not None
        results = run_stance(args.stance, model_dir, input_path, gated)
    if len(results) != len(pairs):
        raise Unusable(f"stance printed {len(results)} results for {len(pairs)} inputs")

    model = load_model(model_dir, pooling)
    tok = load_tokenizer(model_dir / "tokenizer.json", max_length)
    head = ("mean over tokens of last_hidden_state, then classifier (no pooler)"
            if pooling == "mean" else "AutoModelForSequenceClassification head (pooler + classifier)")
    print(f"model: {model_dir}  pooling: {pooling} -> {head}")
    if gated:
        print(f"note: the classifier alone (evidence gate off); check the scorer with "
              f"--model {model_dir / 'evidence'}")
    print(f"tokenizer: template {template!r}, max_length {max_length}, truncation only_second, "
          f"actor marks {marks or 'none'}")

    failures, worst = [], 0.0
    for i, (pair, res) in enumerate(zip(pairs, results)):
        problems = []
        context = pair["text"]
        if marks and pair.get("actor"):
            context = mark_mentions(pair["text"], res.get("mentions", []), marks)
        if "context" in res and context != res["context"]:
            problems.append("the marked text differs from stance's")
        try:
            ids, types = encode(tok, template, pair, context)
        except Exception as e:  # e.g. the first segment alone is longer than max_length
            ids, types = None, None
            problems.append(f"tokenizers failed: {e}")
        if ids is not None and (ids != res["input_ids"] or types != res["token_type_ids"]):
            where = next((j for j, (a, b) in enumerate(zip(ids, res["input_ids"])) if a != b),
                         min(len(ids), len(res["input_ids"])))
            problems.append(f"ids differ (python {len(ids)} tokens, stance "
                            f"{len(res['input_ids'])}, first difference at {where})"
                            if ids != res["input_ids"] else "token_type_ids differ")
        py = python_logits(model, pooling, res["input_ids"], res["token_type_ids"])
        if len(py) != len(res["logits"]):
            problems.append(f"{len(res['logits'])} logits from stance, {len(py)} from python")
            diff = float("inf")
        else:
            diff = max(abs(a - b) for a, b in zip(py, res["logits"]))
            if diff > args.tol:
                problems.append(f"logits differ by {diff:.2e}")
        worst = max(worst, diff)
        best = max(range(len(res["logits"])), key=lambda j: res["logits"][j])
        if res.get("label") != id2label.get(best):
            problems.append(f"label {res.get('label')!r} but id2label[{best}] is "
                            f"{id2label.get(best)!r}")
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"[{i}] {len(res['input_ids']):4d} tokens  max|diff| {diff:.2e}  "
              f"label {res.get('label')}  {status}")
        if problems:
            failures.append(i)

    if failures:
        print(f"FAIL: {len(failures)} of {len(pairs)} examples differ (max logit diff "
              f"{worst:.2e}, tol {args.tol:.0e}): {failures}")
        return 1
    print(f"PASS: {len(pairs)} examples, max logit diff {worst:.2e} (tol {args.tol:.0e}), "
          "token ids and labels match")
    return 0


def make_reference_folder(args):
    out = Path(args.make_reference_folder)
    out.mkdir(parents=True, exist_ok=True)
    stance = {"first_segment_template": DEFAULT_TEMPLATE, "max_length": args.max_length,
              "pooling": args.pooling}
    tok = load_tokenizer(args.tokenizer, args.max_length)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tok.get_vocab_size(with_added_tokens=True), hidden_size=32,
        num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=max(512, args.max_length), initializer_range=0.2,
        num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)}, stance=stance)
    model = BertForSequenceClassification(config).float().eval()
    with torch.no_grad():  # make biases and LayerNorms non-trivial so every tensor matters
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.normal_(1.0, 0.1)
            elif name.endswith("bias"):
                p.normal_(0.0, 0.1)
    model.save_pretrained(out, safe_serialization=True)
    shutil.copyfile(args.tokenizer, out / "tokenizer.json")

    rows = []
    for pair in BUILTIN_PAIRS:
        ids, types = encode(tok, DEFAULT_TEMPLATE, pair)
        logits = python_logits(model, args.pooling, ids, types)
        label = LABELS[max(range(len(logits)), key=lambda j: logits[j])]
        rows.append({**pair, "input_ids": ids, "token_type_ids": types,
                     "logits": logits, "label": label})
    write_jsonl(out / "inputs.jsonl", BUILTIN_PAIRS)
    write_jsonl(out / "reference_logits.jsonl", rows)
    for row in rows:
        print(f"{len(row['input_ids']):4d} tokens  {row['label']:8s} "
              + " ".join(f"{x:+.5f}" for x in row["logits"]))
    print(f"wrote {out} (pooling {args.pooling}, max_length {args.max_length})")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="model folder saved by stance")
    p.add_argument("--stance", default="target/release/stance", help="path to the stance binary")
    p.add_argument("--input", help='JSONL of {"topic", "actor"?, "text"} (default: built-in pairs)')
    p.add_argument("--tol", type=float, default=1e-4, help="max allowed abs logit difference")
    p.add_argument("--make-reference-folder", metavar="OUT",
                   help="write a tiny random Python model folder to OUT instead of checking")
    p.add_argument("--tokenizer", help="tokenizer.json for --make-reference-folder")
    p.add_argument("--pooling", choices=["cls", "mean"], default="cls",
                   help="pooling recorded in the reference folder's config.json")
    p.add_argument("--max-length", type=int, default=256,
                   help="max_length recorded in the reference folder's config.json")
    args = p.parse_args()
    try:
        if args.make_reference_folder:
            if not args.tokenizer:
                p.error("--make-reference-folder needs --tokenizer PATH")
            return make_reference_folder(args)
        if not args.model:
            p.error("--model DIR is required (or use --make-reference-folder)")
        return check(args)
    except (Unusable, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
