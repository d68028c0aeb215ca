"""What the reduced precisions (bf16, int8) cost in accuracy: one model's scores per set and precision.

    accuracy.py MODEL --run SET:PRECISION=PREFIX [--run ...] --out ACCURACY.json

    accuracy.py models/stance-default --run semeval:f32=work/bench/eval-semeval-f32 \\
        --run semeval:bf16=work/bench/eval-semeval-bf16 --run semeval:int8=work/bench/eval-semeval-int8 \\
        --out work/bench/accuracy.json

Each PREFIX names the `stance eval --precision PRECISION --json PREFIX.json --predictions
PREFIX.jsonl` outputs of one precision on one set. SET is a name of SETS below, which gives the
metric that decides and its threshold; every set needs an f32 run, the reference of its other
precisions. A reduced precision passes when its metric moves by less than the threshold either way
(|reduced - f32| < threshold); a larger change, up or down, means it does not compute what f32 does.

Writes, per set: the number of examples, the metric and threshold, both F_avg and macro-F1 of f32,
and for each reduced precision both scores, the change of the metric, how many predictions differ
from f32's and whether it passes:

    {"model": MODEL, "sets": {SET: {"label", "examples", "metric", "threshold", "f32": {...},
                                    "bf16": {"f_avg", "macro_f1", "change", "flipped", "passes"}}}}
"""
import argparse
import json
from pathlib import Path

SETS = {  # set name -> what it is, the metric that decides, the largest change that passes
    "semeval": {"label": "SemEval-2016 test", "metric": "f_avg", "threshold": 0.005},
    "wikinews-dev": {"label": "wikinews-actors dev", "metric": "macro_f1", "threshold": 0.01},
}
REFERENCE = "f32"
METRIC_NAMES = {"f_avg": "F_avg", "macro_f1": "macro-F1"}  # as compare.py prints them


def parse_run(text):
    """SET:PRECISION=PREFIX as (set, precision, prefix)."""
    try:
        key, prefix = text.split("=", 1)
        name, precision = key.split(":", 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not SET:PRECISION=PREFIX")
    if name not in SETS:
        raise argparse.ArgumentTypeError(f"unknown set `{name}` in `{text}` (known: {', '.join(SETS)})")
    if not precision or not prefix:
        raise argparse.ArgumentTypeError(f"`{text}` is not SET:PRECISION=PREFIX")
    return name, precision, prefix


def read_run(prefix):
    """The "overall" scores of PREFIX.json and the (id, predicted label) pairs of PREFIX.jsonl."""
    json_path, jsonl_path = Path(prefix + ".json"), Path(prefix + ".jsonl")
    for path in (json_path, jsonl_path):
        if not path.is_file():
            raise SystemExit(f"accuracy: {path} not found (run `stance eval --json {json_path} "
                             f"--predictions {jsonl_path}` first)")
    try:
        overall = json.loads(json_path.read_text())["overall"]
        scores = {"total": overall["total"], "f_avg": overall["f_avg"], "macro_f1": overall["macro_f1"]}
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"accuracy: {json_path} is not `stance eval --json` output ({e!r})")
    try:
        predicted = [(r.get("id"), r["predicted"]) for r in map(json.loads, jsonl_path.read_text().splitlines())]
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"accuracy: {jsonl_path} is not `stance eval --predictions` output ({e!r})")
    if len(predicted) != scores["total"]:
        raise SystemExit(f"accuracy: {jsonl_path} has {len(predicted)} predictions but {json_path} "
                         f"scored {scores['total']} examples")
    return scores, predicted


def score_set(name, runs):
    """One set's entry: f32's scores and each reduced precision's against them.

    `runs` maps precision -> prefix."""
    spec = SETS[name]
    metric, threshold = spec["metric"], spec["threshold"]
    if REFERENCE not in runs:
        raise SystemExit(f"accuracy: set {name} has no {REFERENCE} run (the reference): "
                         f"add --run {name}:{REFERENCE}=PREFIX")
    read = {precision: read_run(prefix) for precision, prefix in runs.items()}
    ref_scores, ref_predicted = read[REFERENCE]
    for precision, (scores, _) in read.items():
        if scores[metric] is None:
            raise SystemExit(f"accuracy: {runs[precision]}.json has no {metric} (the metric of set {name}; "
                             f"F_avg needs the FAVOR and AGAINST labels)")
        if scores["total"] != ref_scores["total"]:
            raise SystemExit(f"accuracy: set {name}: {runs[precision]}.json scored {scores['total']} examples, "
                             f"{runs[REFERENCE]}.json {ref_scores['total']}: the runs are not of the same data")
        if [i for i, _ in read[precision][1]] != [i for i, _ in ref_predicted]:
            raise SystemExit(f"accuracy: set {name}: {runs[precision]}.jsonl and {runs[REFERENCE]}.jsonl predict "
                             f"different example ids: the runs are not of the same data")
    entry = {"label": spec["label"], "examples": ref_scores["total"], "metric": metric, "threshold": threshold,
             REFERENCE: {"f_avg": ref_scores["f_avg"], "macro_f1": ref_scores["macro_f1"]}}
    for precision, (scores, predicted) in read.items():
        if precision == REFERENCE:
            continue
        change = scores[metric] - ref_scores[metric]
        entry[precision] = {"f_avg": scores["f_avg"], "macro_f1": scores["macro_f1"], "change": change,
                            "flipped": sum(x != y for (_, x), (_, y) in zip(ref_predicted, predicted)),
                            "passes": abs(change) < threshold}
    return entry


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", help="the model folder the runs evaluated")
    p.add_argument("--run", type=parse_run, action="append", required=True, metavar="SET:PRECISION=PREFIX",
                   help=f"one `stance eval` run; sets: {', '.join(SETS)}")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    by_set = {}
    for name, precision, prefix in a.run:
        if precision in by_set.setdefault(name, {}):
            raise SystemExit(f"accuracy: --run {name}:{precision} given twice")
        by_set[name][precision] = prefix
    result = {"model": a.model, "sets": {name: score_set(name, runs) for name, runs in by_set.items()}}
    Path(a.out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
