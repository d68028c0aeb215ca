"""What bf16 inference costs in accuracy: one model's SemEval-2016 test scores in f32 and bf16.

    accuracy.py MODEL F32_PREFIX BF16_PREFIX --out ACCURACY.json

Each prefix names the `stance eval --json PREFIX.json --predictions PREFIX.jsonl` outputs of one
precision. Writes both F_avg and macro-F1 and how many predictions differ.
"""
import argparse
import json
from pathlib import Path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("f32")
    p.add_argument("bf16")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    runs = {name: json.loads(Path(prefix + ".json").read_text())["overall"]
            for name, prefix in (("f32", a.f32), ("bf16", a.bf16))}
    predicted = {name: [json.loads(line)["predicted"] for line in open(prefix + ".jsonl")]
                 for name, prefix in (("f32", a.f32), ("bf16", a.bf16))}
    if len(predicted["f32"]) != len(predicted["bf16"]):
        raise SystemExit("accuracy: the two runs scored different numbers of examples")
    flipped = sum(x != y for x, y in zip(predicted["f32"], predicted["bf16"]))
    result = {"model": a.model, "examples": runs["f32"]["total"], "flipped": flipped}
    for name, run in runs.items():
        result[name] = {"f_avg": run["f_avg"], "macro_f1": run["macro_f1"]}
    Path(a.out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
