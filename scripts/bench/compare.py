"""Puts stance's, PyTorch's and ONNX Runtime's figures side by side, with the ratios.

    compare.py STANCE.json STANCE_BF16.json STANCE_UNFUSED.json BASELINES.json PREDICT.json \
        ACCURACY.json --out RESULTS.json

STANCE.json is stance in f32 (with the training step), STANCE_BF16.json its inference with bf16
linear layers (the `stance` binary's default on CPUs with AVX-512 BF16), ACCURACY.json the SemEval
F_avg of one model in both precisions.

Throughputs (sequences/s) are compared as stance / other (above 1: stance is faster); times
(seconds) as stance / other too (below 1: stance is faster). Medians decide; min-max ranges are
shown for the spread over repetitions.
"""
import argparse
import json
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text())


def fmt(stat, digits=2):
    if stat is None:
        return "-"
    return f"{stat['median']:.{digits}f} ({stat['min']:.{digits}f}-{stat['max']:.{digits}f})"


def ratio(a, b):
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stance")
    p.add_argument("bf16")
    p.add_argument("unfused")
    p.add_argument("baselines")
    p.add_argument("predict")
    p.add_argument("accuracy")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    ours, bf16, unfused, base, predict, accuracy = map(
        load, (a.stance, a.bf16, a.unfused, a.baselines, a.predict, a.accuracy))
    torch, ort = base["pytorch"], base["onnxruntime"]

    rows = []  # (figure, unit, stance, stance op-by-op, pytorch, onnx, better)
    for key, name in (("infer_fixed", "inference 32 x 128 padded"),
                      ("infer_semeval", "inference SemEval test, dynamic padding")):
        rows.append((name + ", bf16", "seq/s", bf16[key]["seq_per_s"], None,
                     torch[key]["seq_per_s"], ort[key]["seq_per_s"], "higher"))
        rows.append((name + ", f32", "seq/s", ours[key]["seq_per_s"], unfused[key]["seq_per_s"],
                     torch[key]["seq_per_s"], ort[key]["seq_per_s"], "higher"))
    step, torch_step = ours.get("train_step"), torch.get("train_step")
    if step and torch_step:
        rows.append(("training step 32 x 128 (fwd+bwd+AdamW)", "s", step["seconds"], None,
                     torch_step["seconds"], None, "lower"))
        rows.append(("  forward + loss", "s", step["forward_s"], None, torch_step["forward_s"], None, "lower"))
        rows.append(("  backward", "s", step["backward_s"], None, torch_step["backward_s"], None, "lower"))
        rows.append(("  optimizer", "s", step["optimizer_s"], None, torch_step["optimizer_s"], None, "lower"))
    rows.append(("model load", "s", ours["load_s"], None, torch["load_s"], ort["load_s"], "lower"))

    print(f"\nmachine: {base['machine']}\nversions: {base['versions']}\n"
          f"median (min-max) over {base['reps']} repetitions; ratio = stance / other\n")
    header = f"{'figure':50} {'unit':6} {'stance':>22} {'stance op-by-op':>22} {'PyTorch':>22} {'ONNX Runtime':>22} {'/PyTorch':>9} {'/ONNX':>7}"
    print(header)
    print("-" * len(header))
    table = []
    for name, unit, s, u, t, o, better in rows:
        rt, ro = ratio(s, t), ratio(s, o)
        print(f"{name:50} {unit:6} {fmt(s):>22} {fmt(u):>22} {fmt(t):>22} {fmt(o):>22} "
              f"{(f'{rt:.2f}x' if rt else '-'):>9} {(f'{ro:.2f}x' if ro else '-'):>7}")
        table.append({"figure": name, "unit": unit, "better": better, "stance": s,
                      "stance_op_by_op": u, "pytorch": t, "onnxruntime": o,
                      "stance_over_pytorch": rt, "stance_over_onnxruntime": ro})
    if step:
        print(f"\nstance backward / forward: {fmt(step['backward_over_forward'])}")
    if torch_step:
        b, f = torch_step["backward_s"]["median"], torch_step["forward_s"]["median"]
        print(f"PyTorch backward / forward: {b / f:.2f}")
    print(f"peak RSS of the benchmark process: stance {ours.get('peak_rss_mb', 0):.0f} MB, "
          f"PyTorch {torch.get('peak_rss_mb', 0):.0f} MB (both after the training steps)")
    f32_avg, bf16_avg = accuracy["f32"]["f_avg"], accuracy["bf16"]["f_avg"]
    speedups = [bf16[k]["seq_per_s"]["median"] / ours[k]["seq_per_s"]["median"]
                for k in ("infer_fixed", "infer_semeval")]
    print(f"\nbf16 linear layers ({accuracy['model']}, SemEval-2016 test, {accuracy['examples']} "
          f"examples): F_avg {f32_avg:.4f} (f32) -> {bf16_avg:.4f} (bf16), change "
          f"{bf16_avg - f32_avg:+.4f}; {accuracy['flipped']} predictions differ; speed-up over f32 "
          f"{speedups[0]:.2f}x (32 x 128), {speedups[1]:.2f}x (SemEval)")
    print(f"\nstance predict ({predict['model']}, default precision):")
    for run in predict["runs"]:
        print(f"  {run['articles']:>6} articles: {run['articles_per_s']:.2f} articles/s, "
              f"{run['actors_per_s']:.1f} actors/s, peak RSS {run['peak_rss_mb']:.0f} MB")
    Path(a.out).write_text(json.dumps({"table": table, "stance": ours, "stance_bf16": bf16,
                                       "stance_op_by_op": unfused, "baselines": base,
                                       "predict": predict, "bf16_accuracy": accuracy}, indent=2))
    print(f"\nwritten: {a.out}")


if __name__ == "__main__":
    main()
