"""Puts stance's figures next to every Python peer's, with the ratios to the fastest peer.

    compare.py STANCE.json STANCE_BF16.json BASELINES.json [--unfused STANCE_UNFUSED.json]
        [--predict PREDICT.json] [--accuracy ACCURACY.json] [--stance-kernel LINE] --out RESULTS.json

STANCE.json is stance in f32 (with the training step), STANCE_BF16.json its inference with bf16
linear layers (the `stance` binary's choice on CPUs with AVX-512 BF16), BASELINES.json the peers
measured by baselines.py (PyTorch f32 and bf16 autocast, ONNX Runtime f32 and int8, ...).
The optional files add the op-by-op f32 path, `stance predict` end to end and the SemEval F_avg of
one model in both precisions; --stance-kernel is the "inference" line of `stance model info`.

Per figure (32 x 128 seq/s, SemEval dynamic seq/s, training step s, load s): every contender,
then stance's best path (f32 or bf16) over the fastest peer of that figure, named. Ratios are
stance / peer for throughputs (above 1: stance is faster) and times (below 1: stance is faster).
Medians decide; min-max ranges show the spread over repetitions.
"""
import argparse
import json
import sys
from pathlib import Path

CPU_FLAGS = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile"]
FIGURES = [  # key, name, unit, better
    ("infer_fixed", "inference 32 x 128 padded", "seq/s", "higher"),
    ("infer_semeval", "inference SemEval test, dynamic padding", "seq/s", "higher"),
    ("train_step", "training step 32 x 128 (fwd+bwd+AdamW)", "s", "lower"),
    ("load", "model load", "s", "lower"),
]


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


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("stance", help="stance f32 figures (with the training step)")
    p.add_argument("bf16", help="stance bf16 inference figures")
    p.add_argument("baselines", help="baselines.py output")
    p.add_argument("--unfused", help="stance op-by-op f32 figures")
    p.add_argument("--predict", help="predict.py output")
    p.add_argument("--accuracy", help="accuracy.py output")
    p.add_argument("--stance-kernel", help='the "inference" line of `stance model info`')
    p.add_argument("--out", required=True)
    a = p.parse_args()
    ours, bf16, base = load(a.stance), load(a.bf16), load(a.baselines)
    unfused, predict, accuracy = (load(f) if f else None for f in (a.unfused, a.predict, a.accuracy))
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
    for label, r in (("stance f32", ours), ("stance bf16", bf16)):
        if r.get("semeval_sequences") != base.get("semeval_sequences"):
            print(f"warning: SemEval figures are over different inputs ({label} {r.get('semeval_sequences')} "
                  f"sequences, peers {base.get('semeval_sequences')}; --limit?)")
        if r.get("threads") not in (None, m["threads"]):
            print(f"warning: {label} ran with {r['threads']} threads, the peers with {m['threads']}")

    stance_paths = {"stance f32": ours, "stance bf16": bf16}
    table = []
    for key, name, unit, better in FIGURES:
        best_of = max if better == "higher" else min
        mine = {label: figure(r, key) for label, r in stance_paths.items()}
        theirs = {n: figure(r, key) for n, r in available.items() if figure(r, key) is not None}
        measured = {label: s for label, s in mine.items() if s is not None}
        if not measured and not theirs:
            continue
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
                note = "  <- stance best" if label == best else ""
                if s is None and label == "stance bf16" and key == "train_step":
                    note = "  (bf16 kernel is inference-only: training runs f32)"
                print(f"  {label:44}{fmt(s, digits):>26}{note}")
                split(key, stance_paths.get(label))
        for n, s in theirs.items():
            r = ratio(mine.get(best), s)
            print(f"  {available[n]['label']:44}{fmt(s, digits):>26}  {f'{r:.2f}x' if r else '-':>7}"
                  f"{'  <- fastest peer' if n == fastest else ''}")
            split(key, available[n])
        over = ratio(mine.get(best), theirs[fastest]) if fastest else None
        if best is None:
            print("  => stance did not measure this (its f32 run had --skip-train?)")
        elif fastest:
            sense = "above 1: stance is faster" if better == "higher" else "below 1: stance is faster"
            print(f"  => {best} / fastest peer ({available[fastest]['label']}): {over:.2f}x ({sense})")
        else:
            print("  => no peer measured this")
        table.append({"figure": name, "key": key, "unit": unit, "better": better,
                      "stance": {"f32": mine["stance f32"], "bf16": mine["stance bf16"],
                                 "op_by_op": figure(unfused, key) if key != "train_step" else None},
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
    speedups = [ratio(figure(bf16, k), figure(ours, k)) for k in ("infer_fixed", "infer_semeval")]
    if None not in speedups:
        print(f"stance bf16 over f32: {speedups[0]:.2f}x (32 x 128), {speedups[1]:.2f}x (SemEval)")
    if accuracy:
        f32_avg, bf16_avg = accuracy["f32"]["f_avg"], accuracy["bf16"]["f_avg"]
        print(f"\nbf16 linear layers ({accuracy['model']}, SemEval-2016 test, {accuracy['examples']} "
              f"examples): F_avg {f32_avg:.4f} (f32) -> {bf16_avg:.4f} (bf16), change "
              f"{bf16_avg - f32_avg:+.4f}; {accuracy['flipped']} predictions differ")
    if predict:
        print(f"\nstance predict ({predict['model']}, default precision):")
        for run in predict["runs"]:
            print(f"  {run['articles']:>6} articles: {run['articles_per_s']:.2f} articles/s, "
                  f"{run['actors_per_s']:.1f} actors/s, peak RSS {run['peak_rss_mb']:.0f} MB")
    Path(a.out).write_text(json.dumps({"machine": machine, "table": table, "stance": ours,
                                       "stance_bf16": bf16, "stance_op_by_op": unfused,
                                       "baselines": base, "predict": predict,
                                       "bf16_accuracy": accuracy}, indent=2))
    print(f"\nwritten: {a.out}")


def split(key, result):
    """The forward / backward / optimizer parts under a training-step line."""
    t = (result or {}).get("train_step") if key == "train_step" else None
    if t:
        print(f"  {'':4}forward {t['forward_s']['median']:.3f} s, backward {t['backward_s']['median']:.3f} s, "
              f"optimizer {t['optimizer_s']['median']:.3f} s")


if __name__ == "__main__":
    main()
