"""Puts stance's figures next to every Python peer's, with the ratios to the fastest peer.

    compare.py STANCE.json STANCE_BF16.json BASELINES.json [--int8 STANCE_INT8.json]
        [--unfused STANCE_UNFUSED.json] [--predict PREDICT.json] [--accuracy ACCURACY.json]
        [--stance-kernel LINE] --out RESULTS.json

STANCE.json is stance in f32 (with the training step), STANCE_BF16.json its inference with bf16
linear layers (the `stance` binary's choice on CPUs with AVX-512 BF16), STANCE_INT8.json its
inference with int8 linear layers (opt-in: `--precision int8`), BASELINES.json the peers measured
by baselines.py (PyTorch f32 and bf16 autocast, ONNX Runtime f32 and int8, ...). The optional
files add the op-by-op f32 path, `stance predict` end to end and what bf16 and int8 cost in
accuracy (accuracy.py: per set, each reduced precision's score against f32 and its threshold);
--stance-kernel is the "inference" line of `stance model info`.

Per figure (32 x 128 seq/s, SemEval dynamic seq/s, training step s, load s): every contender,
then stance's best path (f32, bf16 or int8) over the fastest peer of that figure, named. Ratios
are stance / peer for throughputs (above 1: stance is faster) and times (below 1: stance is
faster). Medians decide; min-max ranges show the spread over repetitions.

A reduced precision is a best-path candidate only when it may be used without losing accuracy:
one whose accuracy check fails on any set is left out (it stays opt-in), and int8 is also left
out when ACCURACY.json does not check it ("accuracy unchecked"); bf16 without a check counts, as
before. int8 is opt-in whatever one run's check says (OPT_IN: the three-seed check decided), so it
is never the best path. The excluded paths are still shown, marked, with the reason printed.
"""
import argparse
import json
import sys
from pathlib import Path

from accuracy import METRIC_NAMES, REFERENCE, SETS

CPU_FLAGS = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile"]
FIGURES = [  # key, name, unit, better
    ("infer_fixed", "inference 32 x 128 padded", "seq/s", "higher"),
    ("infer_full", "inference 32 x 128 full mask (no padding)", "seq/s", "higher"),
    ("infer_semeval", "inference SemEval test, dynamic padding", "seq/s", "higher"),
    ("train_step", "training step 32 x 128 (fwd+bwd+AdamW)", "s", "lower"),
    ("load", "model load", "s", "lower"),
]
REDUCED = {"stance bf16": "bf16", "stance int8": "int8"}  # stance path -> its precision
NEEDS_CHECK = {"int8"}  # reduced precisions that are no best-path candidate without an accuracy check
# Reduced precisions that `--precision auto` never picks, whatever one model's check says: the
# check over three seeds of the default model decided (docs/results.md, "int8 over three seeds").
OPT_IN = {"int8": "opt-in (--precision int8): over three seeds of the default model its wikinews-actors "
                  "dev macro-F1 change reached +0.0136, past the 0.01 bound; auto never picks it"}


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        sys.exit(f"compare: cannot read {path}: {e}")


def figure(result, key):
    """The min/median/max of one figure in a stance or peer result, or None where not measured."""
    if result is None:
        return None
    if key == "train_step":
        return (result.get("train_step") or {}).get("seconds")
    if key == "load":
        return result.get("load_s")
    return (result.get(key) or {}).get("seq_per_s")


def fmt(stat, digits=2):
    if stat is None:
        return "-"
    return f"{stat['median']:.{digits}f} ({stat['min']:.{digits}f}-{stat['max']:.{digits}f})"


def ratio(a, b):
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def peers_of(base):
    """The peers of baselines.json; a file from before the peers list reads as two peers."""
    if "peers" in base:
        return base["peers"]
    old = {"pytorch-f32": ("pytorch", "PyTorch f32"), "ort-dynamo-f32": ("onnxruntime", "ONNX Runtime f32 (dynamo export)")}
    return {name: {"label": label, "available": True, **base[key]}
            for name, (key, label) in old.items() if key in base}


def cpu_flags(machine):
    if "cpu_flags" in machine:
        return machine["cpu_flags"]
    try:
        line = next(l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("flags"))
        return [f for f in CPU_FLAGS if f in line.split(":", 1)[1].split()]
    except (OSError, StopIteration):
        return []


def accuracy_sets(accuracy, path):
    """accuracy.py output as {"model", "sets"}; the older flat file (SemEval, f32 and bf16 at the
    top level) reads as its one set, checked against today's threshold."""
    if accuracy is None or "sets" in accuracy:
        return accuracy
    if not all(isinstance(accuracy.get(k), dict) for k in (REFERENCE, "bf16")) or "examples" not in accuracy:
        sys.exit(f"compare: {path} is neither accuracy.py output (\"sets\") nor its older flat shape "
                 f"(\"f32\", \"bf16\", \"examples\"): rerun scripts/bench/accuracy.py")
    spec = SETS["semeval"]
    ref, bf16 = accuracy[REFERENCE], accuracy["bf16"]
    change = bf16[spec["metric"]] - ref[spec["metric"]]
    entry = {**spec, "examples": accuracy["examples"], REFERENCE: ref,
             "bf16": {**bf16, "change": change, "flipped": accuracy.get("flipped"),
                      "passes": abs(change) < spec["threshold"]}}
    return {"model": accuracy.get("model"), "sets": {"semeval": entry}}


def accuracy_check(accuracy, precision):
    """("passes" | "fails" | "unchecked", why) for one reduced precision over every set."""
    sets = (accuracy or {}).get("sets", {})
    unchecked = [name for name, entry in sets.items() if precision not in entry]
    failed = [(name, entry) for name, entry in sets.items()
              if precision in entry and not entry[precision]["passes"]]
    if failed:
        return "fails", "; ".join(
            f"fails its accuracy check on {name} ({METRIC_NAMES[e['metric']]} change "
            f"{e[precision]['change']:+.4f}, threshold {e['threshold']})" for name, e in failed)
    if not sets:
        return "unchecked", "accuracy unchecked (no --accuracy)"
    if unchecked:
        return "unchecked", f"accuracy unchecked on {', '.join(unchecked)}"
    return "passes", f"passes its accuracy check on {', '.join(sets)}"


def excluded_paths(stance_paths, accuracy):
    """The stance paths that are no best-path candidate, with the reason."""
    excluded = {}
    for label in stance_paths:
        precision = REDUCED.get(label)
        if precision is None:
            continue
        if precision in OPT_IN:
            excluded[label] = OPT_IN[precision]
            continue
        status, why = accuracy_check(accuracy, precision)
        if status == "fails" or (status == "unchecked" and precision in NEEDS_CHECK):
            excluded[label] = why
    return excluded


def path_note(label, excluded, accuracy):
    """The mark after an excluded path's figures."""
    if label not in excluded:
        return ""
    if REDUCED[label] in OPT_IN:
        return "  (opt-in)"
    status, _ = accuracy_check(accuracy, REDUCED[label])
    return "  (accuracy unchecked)" if status == "unchecked" else "  (fails accuracy check: opt-in only)"


def print_accuracy(accuracy):
    """Per set and reduced precision: the metric in f32 and reduced, the change, flips, verdict."""
    print(f"\naccuracy of the reduced precisions ({accuracy['model']}; {REFERENCE} is the reference):")
    for name, entry in accuracy["sets"].items():
        metric = entry["metric"]
        print(f"  {entry.get('label', name)} ({name}, {entry['examples']} examples; "
              f"{METRIC_NAMES[metric]}, passes when it moves by less than {entry['threshold']}):")
        reduced = {k: r for k, r in entry.items() if isinstance(r, dict) and "change" in r}
        if not reduced:
            print("    no reduced precision measured")
        for precision, r in reduced.items():
            verdict = "passes" if r["passes"] else "fails (opt-in only)"
            flipped = "-" if r.get("flipped") is None else r["flipped"]
            print(f"    {precision}: {METRIC_NAMES[metric]} {entry[REFERENCE][metric]:.4f} ({REFERENCE}) -> "
                  f"{r[metric]:.4f} ({precision}), change {r['change']:+.4f}; {flipped} predictions differ; "
                  f"{verdict}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("stance", help="stance f32 figures (with the training step)")
    p.add_argument("bf16", help="stance bf16 inference figures")
    p.add_argument("baselines", help="baselines.py output")
    p.add_argument("--int8", help="stance int8 inference figures")
    p.add_argument("--unfused", help="stance op-by-op f32 figures")
    p.add_argument("--predict", help="predict.py output")
    p.add_argument("--accuracy", help="accuracy.py output")
    p.add_argument("--stance-kernel", help='the "inference" line of `stance model info`')
    p.add_argument("--out", required=True)
    a = p.parse_args()
    ours, bf16, base = load(a.stance), load(a.bf16), load(a.baselines)
    int8, unfused, predict, accuracy = (load(f) if f else None
                                        for f in (a.int8, a.unfused, a.predict, a.accuracy))
    accuracy = accuracy_sets(accuracy, a.accuracy)
    peers = peers_of(base)
    available = {n: r for n, r in peers.items() if r.get("available", True)}

    m = base["machine"]
    flags = cpu_flags(m)
    machine = {**m, "cpu_flags": flags, "stance_kernel": a.stance_kernel}
    print(f"\nmachine: {m['cpu']}, {m['logical_cpus']} logical CPUs, {m['threads']} threads, "
          f"load average {m['loadavg_start'][0]:.2f} at the start")
    print(f"cpu flags: {' '.join(flags) or '-'} (absent: {' '.join(f for f in CPU_FLAGS if f not in flags) or '-'})")
    if a.stance_kernel:
        print(f"stance model info: {a.stance_kernel}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in base["versions"].items()))
    print(f"median (min-max) over {base['reps']} repetitions")
    for name, r in peers.items():
        if name not in available:
            print(f"unavailable peer: {r['label']}: {r['reason']}")
    stance_paths = {"stance f32": ours, "stance bf16": bf16}
    if int8 is not None:
        stance_paths["stance int8"] = int8
    for label, r in stance_paths.items():
        if r.get("semeval_sequences") != base.get("semeval_sequences"):
            print(f"warning: SemEval figures are over different inputs ({label} {r.get('semeval_sequences')} "
                  f"sequences, peers {base.get('semeval_sequences')}; --limit?)")
        if r.get("threads") not in (None, m["threads"]):
            print(f"warning: {label} ran with {r['threads']} threads, the peers with {m['threads']}")

    if ours.get("fixed_real_tokens"):
        print(f"the padded 32 x 128 batch holds {ours['fixed_real_tokens']} real tokens of 4096: stance "
              f"runs only those through its layers, the peers all 4096 (the full-mask figure is "
              f"4096 for everyone)")
    excluded = excluded_paths(stance_paths, accuracy)
    print(f"stance best-path candidates: {', '.join(l for l in stance_paths if l not in excluded)}")
    for label, why in excluded.items():
        print(f"excluded from stance's best path: {label}: {why}")
    for label in (l for l in stance_paths if l in REDUCED and l not in excluded):
        status, why = accuracy_check(accuracy, REDUCED[label])
        if status == "unchecked":
            print(f"note: {label}: {why}; counted as a best-path candidate all the same")
    table = []
    for key, name, unit, better in FIGURES:
        best_of = max if better == "higher" else min
        mine = {label: figure(r, key) for label, r in stance_paths.items()}
        theirs = {n: figure(r, key) for n, r in available.items() if figure(r, key) is not None}
        if not any(s is not None for s in mine.values()) and not theirs:
            continue
        measured = {label: s for label, s in mine.items() if s is not None and label not in excluded}
        best = best_of(measured, key=lambda label: measured[label]["median"]) if measured else None
        fastest = best_of(theirs, key=lambda n: theirs[n]["median"]) if theirs else None
        digits = 1 if unit == "seq/s" else 3
        print(f"\n{name} ({unit}, {better} is better)")
        print(f"  {'':44}{'median (min-max)':>26}  {best or 'stance'} / peer")
        rows = list(mine.items())
        if unfused is not None and key != "train_step":
            rows.append(("stance op-by-op f32 (reference)", figure(unfused, key)))
        for label, s in rows:
            if s is not None or label in stance_paths:
                note = "  <- stance best" if label == best else path_note(label, excluded, accuracy)
                if s is None and label in REDUCED and key == "train_step":
                    note = f"  ({REDUCED[label]} kernel is inference-only: training runs f32)"
                elif s is not None and label == "stance bf16" and key == "train_step":
                    note += "  (mixed precision: `stance train --mixed-precision`, opt-in)"
                print(f"  {label:44}{fmt(s, digits):>26}{note}")
                split(key, stance_paths.get(label))
        for n, s in theirs.items():
            r = ratio(mine.get(best), s)
            print(f"  {available[n]['label']:44}{fmt(s, digits):>26}  {f'{r:.2f}x' if r else '-':>7}"
                  f"{'  <- fastest peer' if n == fastest else ''}")
            split(key, available[n])
        over = ratio(mine.get(best), theirs[fastest]) if fastest else None
        only_excluded = [label for label in excluded if mine.get(label) is not None]
        if best is None and only_excluded:
            print(f"  => only excluded stance paths measured this ({', '.join(only_excluded)})")
        elif best is None and key == "train_step":
            print("  => stance did not measure this (its f32 run had --skip-train?)")
        elif best is None:
            print("  => stance's results have no such figure (from an older bench?)")
        elif fastest:
            sense = "above 1: stance is faster" if better == "higher" else "below 1: stance is faster"
            print(f"  => {best} / fastest peer ({available[fastest]['label']}): {over:.2f}x ({sense})")
        else:
            print("  => no peer measured this")
        table.append({"figure": name, "key": key, "unit": unit, "better": better,
                      "stance": {"f32": mine["stance f32"], "bf16": mine["stance bf16"],
                                 "int8": mine.get("stance int8"),
                                 "op_by_op": figure(unfused, key) if key != "train_step" else None},
                      "stance_excluded": excluded,
                      "peers": theirs, "stance_best": best, "fastest_peer": fastest,
                      "fastest_peer_label": available[fastest]["label"] if fastest else None,
                      "stance_best_over_fastest_peer": over,
                      "stance_best_over": {n: ratio(mine.get(best), s) for n, s in theirs.items()}})

    step = ours.get("train_step")
    print()
    if step:
        print(f"stance backward / forward: {fmt(step['backward_over_forward'])}")
    for r in available.values():
        if r.get("train_step"):
            t = r["train_step"]
            print(f"{r['label']} backward / forward: {t['backward_s']['median'] / t['forward_s']['median']:.2f}")
    rss = [r.get("peak_rss_mb") for r in (ours, available.get("pytorch-f32", {}))]
    if step and None not in rss:
        print(f"peak RSS of the benchmark process: stance {rss[0]:.0f} MB, PyTorch f32 {rss[1]:.0f} MB "
              f"(both after the f32 training steps)")
    for label, r in stance_paths.items():
        # Older results have no full-mask figure: their padded one computed every position.
        full = "infer_full" if figure(ours, "infer_full") else "infer_fixed"
        speedups = [ratio(figure(r, k), figure(ours, k)) for k in (full, "infer_semeval")]
        if label in REDUCED and None not in speedups:
            print(f"{label} over f32: {speedups[0]:.2f}x (32 x 128{' full mask' if full == 'infer_full' else ''}), "
                  f"{speedups[1]:.2f}x (SemEval)"
                  f"{path_note(label, excluded, accuracy)}")
    if accuracy:
        print_accuracy(accuracy)
    if predict:
        print(f"\nstance predict ({predict['model']}, default precision):")
        for run in predict["runs"]:
            print(f"  {run['articles']:>6} articles: {run['articles_per_s']:.2f} articles/s, "
                  f"{run['actors_per_s']:.1f} actors/s, peak RSS {run['peak_rss_mb']:.0f} MB")
    Path(a.out).write_text(json.dumps({"machine": machine, "table": table, "stance": ours,
                                       "stance_bf16": bf16, "stance_int8": int8,
                                       "stance_op_by_op": unfused, "stance_excluded": excluded,
                                       "baselines": base, "predict": predict,
                                       "accuracy": accuracy}, indent=2))
    print(f"\nwritten: {a.out}")


def split(key, result):
    """The forward / backward / optimizer parts under a training-step line."""
    t = (result or {}).get("train_step") if key == "train_step" else None
    if t:
        print(f"  {'':4}forward {t['forward_s']['median']:.3f} s, backward {t['backward_s']['median']:.3f} s, "
              f"optimizer {t['optimizer_s']['median']:.3f} s")


if __name__ == "__main__":
    main()
