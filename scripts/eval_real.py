"""Prints the table of scripts/eval-real.sh from `stance eval --json` reports.

Arguments: the seed article's labels.json, then MODEL|SET|REPORT triples. A set scored for
several models (seeds) is shown as mean ± sample standard deviation over them.
"""
import json
import statistics
import sys
from collections import OrderedDict


def seed_article_score(labels_path, prediction_path):
    labels = json.load(open(labels_path))
    gold = {a["name"]: a["stance"] for a in labels["actors"]}
    with open(prediction_path) as f:
        record = json.loads(f.readline())
    got = [(a["name"], a["stance"]) for a in record["actors"]]
    right = sum(1 for name, stance in got if gold.get(name) == stance)
    return right, len(got), " ".join(f"{name.split()[-1]}={stance}" for name, stance in got)


def spread(values):
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.3f}"
    return f"{mean:.3f} ± {statistics.stdev(values):.3f}"


def main():
    labels_path, triples = sys.argv[1], sys.argv[2:]
    sets = OrderedDict()
    models = []
    for triple in triples:
        model, name, path = triple.split("|", 2)
        if model not in models:
            models.append(model)
        sets.setdefault(name, []).append((model, path))
    print(f"models: {', '.join(models)}")
    header = f"{'set':<30} {'n':>4} {'macro-F1':>15} {'accuracy':>15} {'F_avg':>15}   F1 per class"
    print(header)
    print("-" * len(header))
    confusions = []
    for name, runs in sets.items():
        if name == "seed article":
            scores = [seed_article_score(labels_path, path) for _, path in runs]
            detail = " | ".join(s[2] for s in scores)
            print(f"{name:<30} {'4':>4} {statistics.fmean([s[0] for s in scores]):>11.1f} of 4   {detail}")
            continue
        reports = [json.load(open(path)) for _, path in runs]
        overall = [r["overall"] for r in reports]
        labels = [c["label"] for c in overall[0]["classes"]]
        per_class = []
        for i, label in enumerate(labels):
            if overall[0]["classes"][i]["support"] == 0:
                continue
            per_class.append(f"{label} {spread([o['classes'][i]['f1'] for o in overall])}")
        f_avg = [o["f_avg"] for o in overall if o.get("f_avg") is not None]
        print(
            f"{name:<30} {overall[0]['total']:>4} {spread([o['macro_f1'] for o in overall]):>15} "
            f"{spread([o['accuracy'] for o in overall]):>15} "
            f"{spread(f_avg) if f_avg else '-':>15}   {', '.join(per_class)}"
        )
        summed = [[sum(o["confusion"][g][p] for o in overall) for p in range(len(labels))] for g in range(len(labels))]
        confusions.append((name, labels, summed, len(overall)))
    print()
    print("confusion (rows gold, columns predicted; summed over the models):")
    for name, labels, matrix, n in confusions:
        cells = "  ".join(
            f"{labels[g][:3]}→" + "/".join(str(matrix[g][p]) for p in range(len(labels)))
            for g in range(len(labels)) if sum(matrix[g]) > 0
        )
        print(f"  {name:<30} [{'/'.join(l[:3] for l in labels)}] {cells}")


if __name__ == "__main__":
    main()
