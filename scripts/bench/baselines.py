"""Python baselines for the stance-vs-Python benchmark: PyTorch (transformers) and ONNX Runtime on CPU.

    python baselines.py --model DIR --semeval CSV --threads 2 --reps 5 --out OUT.json
                        [--skip-train] [--onnx-path P]

Run with the interpreter of the venv made by scripts/bench/setup-venv.sh. DIR is a Hugging Face
folder written by `stance` (config.json for BertForSequenceClassification, model.safetensors,
tokenizer.json). Measured, each `--reps` times after one warm-up (min / median / max recorded):
  infer_fixed    sequences/s, one batch 32 x 128 (real SemEval pairs, padded to 128)
  infer_semeval  sequences/s over the whole SemEval test CSV, batches of 32 in file order,
                 each padded to its longest sequence (tokenisation done beforehand, not timed)
  train_step     PyTorch only: seconds per fine-tuning step (forward + CE loss + backward +
                 AdamW step + zero_grad) on the fixed batch, with forward/backward split and peak RSS
  load           seconds to load: from_pretrained (PyTorch), InferenceSession creation (ONNX)
"""
import argparse
import csv
import gc
import hashlib
import json
import os
import platform
import re
import resource
import statistics
import sys
import time
from pathlib import Path

BATCH = 32
MAX_LEN = 128
ATOL = 1e-3  # tolerance for ONNX vs PyTorch logits
REPO = Path(__file__).resolve().parents[2]
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]


def die(msg):
    print(f"baselines: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, type=Path, help="HF-layout model folder written by stance")
    p.add_argument("--semeval", required=True, type=Path, help="SemEval-2016 Task 6 test.csv")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", required=True, type=Path, help="JSON file to write")
    p.add_argument("--skip-train", action="store_true", help="skip the PyTorch training-step measurement")
    p.add_argument("--onnx-path", type=Path, default=REPO / "work/bench/model.onnx",
                   help="where the exported ONNX model is cached (default: work/bench/model.onnx)")
    a = p.parse_args()
    # Check inputs before the slow imports so a typo fails in a second, with one line.
    if not a.model.is_dir():
        die(f"model folder not found: {a.model}")
    for f in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (a.model / f).is_file():
            die(f"model folder {a.model} has no {f}")
    if not a.semeval.is_file():
        die(f"SemEval CSV not found: {a.semeval}")
    if a.threads < 1 or a.reps < 1:
        die("--threads and --reps must be >= 1")
    return a


args = parse_args()
try:
    import numpy as np
    import onnxruntime as ort
    import tokenizers
    import torch
    import transformers
    from transformers import AutoModelForSequenceClassification
except ImportError as e:
    die(f"{e}; run with the venv from scripts/bench/setup-venv.sh")

# Thread counts must be set before torch does any parallel work; inter-op 1 mirrors ORT's setting.
torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
transformers.utils.logging.disable_progress_bar()  # per-load "Loading weights" bars are noise here


# ---------------------------------------------------------------- data

def read_pairs(path):
    """(Target, Tweet) pairs in file order. SOURCE.md: UTF-8, RFC 4180 CSV, header row; the
    organizers' `#SemST` tag (unseen by annotators) is removed."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        die(f"cannot read {path}: {e}")
    if not rows or not {"Target", "Tweet"} <= rows[0].keys():
        die(f"{path}: expected a header with Target and Tweet columns")
    return [(r["Target"], re.sub(r"\s*#SemST\b", "", r["Tweet"]).strip()) for r in rows]


def load_tokenizer(model_dir):
    # The folder's tokenizer.json may carry padding/truncation settings; we pad ourselves (fixed or
    # per batch) and cut only the tweet, as stance does.
    tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_LEN, strategy="only_second")
    return tok


def pad(encodings, length):
    """int64 arrays (ids, mask, type ids), each row zero-padded to `length` (mask 0 on padding)."""
    ids, mask, types = (np.zeros((len(encodings), length), dtype=np.int64) for _ in range(3))
    for i, e in enumerate(encodings):
        n = len(e.ids)
        ids[i, :n], mask[i, :n], types[i, :n] = e.ids, 1, e.type_ids
    return ids, mask, types


# ---------------------------------------------------------------- timing

def repeat(fn, reps):
    """Seconds per call of fn, `reps` times after one untimed warm-up."""
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def stats(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": values}


def throughput(n_seq, seconds):
    """Sequences/s per repetition; its min/median/max are over reps of the rate (higher is better)."""
    return {"seq_per_s": stats([n_seq / s for s in seconds])}


# ---------------------------------------------------------------- PyTorch

def torch_load(model_dir):
    # Seeded so a classifier head missing from the folder (random init) is the same in every load,
    # which keeps a cached ONNX export comparable with the PyTorch model.
    torch.manual_seed(0)
    return AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32)


def torch_infer(model, batch):
    with torch.inference_mode():
        return model(input_ids=batch[0], attention_mask=batch[1], token_type_ids=batch[2]).logits


def torch_train(model_dir, fixed, reps):
    """Full fine-tuning steps on the fixed batch; returns step/forward/backward/optimizer seconds."""
    model = torch_load(model_dir)
    model.train()  # dropout on, as in real fine-tuning
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    labels = torch.randint(0, model.config.num_labels, (BATCH,), generator=torch.Generator().manual_seed(0))
    step_s, fwd_s, bwd_s, opt_s = [], [], [], []
    for rep in range(reps + 1):  # rep 0 is the warm-up
        t0 = time.perf_counter()
        logits = model(input_ids=fixed[0], attention_mask=fixed[1], token_type_ids=fixed[2]).logits
        loss = torch.nn.functional.cross_entropy(logits, labels)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        t3 = time.perf_counter()
        if rep:
            step_s.append(t3 - t0), fwd_s.append(t1 - t0), bwd_s.append(t2 - t1), opt_s.append(t3 - t2)
    return {"seconds": stats(step_s), "forward_s": stats(fwd_s), "backward_s": stats(bwd_s),
            "optimizer_s": stats(opt_s)}


# ---------------------------------------------------------------- ONNX

class LogitsOnly(torch.nn.Module):
    """Positional inputs and a plain tensor output, so the ONNX graph has exactly our I/O names."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).logits


def export_key(model_dir):
    """Identifies the folder contents and exporter, so a stale cached export is redone."""
    w = (model_dir / "model.safetensors").stat()
    h = hashlib.sha256((model_dir / "config.json").read_bytes())
    h.update(f"{w.st_size}:{w.st_mtime_ns}:{torch.__version__}".encode())
    return h.hexdigest()


def export_onnx(model, sample, path, key):
    key_file = path.with_name(path.name + ".key")
    if path.is_file() and key_file.is_file() and key_file.read_text() == key:
        print(f"onnx: using cached export {path}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"onnx: exporting to {path} ...", flush=True)
    # Batch and sequence length dynamic (the dynamo exporter wants torch.export Dims); the sequence
    # is bounded by the position-embedding table.
    batch = torch.export.Dim("batch")
    seq = torch.export.Dim("sequence", max=model.config.max_position_embeddings)
    shapes = {n: {0: batch, 1: seq} for n in INPUT_NAMES}
    torch.onnx.export(LogitsOnly(model).eval(), tuple(sample), str(path), input_names=INPUT_NAMES,
                      output_names=["logits"], dynamic_shapes=shapes, external_data=False, verbose=False)
    key_file.write_text(key)


def ort_session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def ort_infer(sess, batch):
    return sess.run(["logits"], dict(zip(INPUT_NAMES, batch)))[0]


# ---------------------------------------------------------------- main

def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_rate(r):
    s = r["seq_per_s"]
    return f"{s['median']:7.1f} seq/s  (min {s['min']:.1f}, max {s['max']:.1f})"


def fmt_s(r):
    return f"{r['median']:7.3f} s      (min {r['min']:.3f}, max {r['max']:.3f})"


def main():
    reps, model_dir = args.reps, args.model
    tok = load_tokenizer(model_dir)
    pairs = read_pairs(args.semeval)
    if len(pairs) < BATCH:
        die(f"{args.semeval}: need at least {BATCH} rows, found {len(pairs)}")
    encs = tok.encode_batch(pairs)  # tokenised once, before any timing
    fixed_np = pad(encs[:BATCH], MAX_LEN)  # the same 32 real pairs for every rep
    dyn_np = [pad(encs[i:i + BATCH], max(len(e.ids) for e in encs[i:i + BATCH]))
              for i in range(0, len(encs), BATCH)]
    fixed_pt = [torch.from_numpy(a) for a in fixed_np]  # shares memory: no copies while timing
    dyn_pt = [[torch.from_numpy(a) for a in b] for b in dyn_np]
    n = len(pairs)
    print(f"semeval: {n} pairs, {len(dyn_np)} batches of <= {BATCH}, mean padded length "
          f"{statistics.mean(b[0].shape[1] for b in dyn_np):.1f}; threads {args.threads}, reps {reps}")

    res = {"machine": {"cpu": cpu_model(), "logical_cpus": os.cpu_count(), "threads": args.threads,
                       "loadavg_start": os.getloadavg()},
           "versions": {"python": platform.python_version(), "torch": torch.__version__,
                        "transformers": transformers.__version__, "onnxruntime": ort.__version__,
                        "tokenizers": tokenizers.__version__, "numpy": np.__version__},
           "reps": reps, "batch": BATCH, "max_len": MAX_LEN, "semeval_sequences": n}
    pt = res["pytorch"] = {}

    # Load timing first; the first load also shows transformers' notes (e.g. a newly initialised head).
    model = torch_load(model_dir)
    transformers.logging.set_verbosity_error()
    pt["load_s"] = stats(repeat(lambda: torch_load(model_dir), reps))
    pt["attn_implementation"] = model.config._attn_implementation

    # Training before anything else that allocates (export, ORT) so peak RSS reflects PyTorch training.
    pt["peak_rss_mb"] = None
    if not args.skip_train:
        print("pytorch: training steps ...", flush=True)
        pt["train_step"] = torch_train(model_dir, fixed_pt, reps)
        pt["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        gc.collect()

    model.eval()
    print("pytorch: inference ...", flush=True)
    pt["infer_fixed"] = throughput(BATCH, repeat(lambda: torch_infer(model, fixed_pt), reps))
    pt["infer_semeval"] = throughput(n, repeat(lambda: [torch_infer(model, b) for b in dyn_pt], reps))

    # ONNX: export once (cached), then check it computes what PyTorch does, on two shapes.
    export_onnx(model, fixed_pt, args.onnx_path, export_key(model_dir))
    sess = ort_session(args.onnx_path, args.threads)
    diff = max(float(np.abs(ort_infer(sess, b_np) - torch_infer(model, b_pt).numpy()).max())
               for b_np, b_pt in ((fixed_np, fixed_pt), (dyn_np[0], dyn_pt[0])))
    res["onnx_max_abs_diff"] = diff
    print(f"onnx: max |logits_onnx - logits_pytorch| = {diff:.2e} (tolerance {ATOL})")
    if not diff <= ATOL:
        die(f"ONNX logits differ from PyTorch by {diff:.2e} > {ATOL}; delete {args.onnx_path} and retry")
    del model
    gc.collect()

    print("onnxruntime: inference ...", flush=True)
    ox = res["onnxruntime"] = {}
    ox["load_s"] = stats(repeat(lambda: ort_session(args.onnx_path, args.threads), reps))
    ox["infer_fixed"] = throughput(BATCH, repeat(lambda: ort_infer(sess, fixed_np), reps))
    ox["infer_semeval"] = throughput(n, repeat(lambda: [ort_infer(sess, b) for b in dyn_np], reps))
    res["machine"]["loadavg_end"] = os.getloadavg()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")

    v = res["versions"]
    print(f"\n== baselines: {res['machine']['cpu']}, {args.threads} threads, {reps} reps after 1 warm-up")
    print(f"   python {v['python']}, torch {v['torch']}, transformers {v['transformers']}, "
          f"onnxruntime {v['onnxruntime']}")
    print("   throughput: median (min, max) over reps of sequences/s -- higher is better")
    print("   times: median (min, max) over reps of seconds -- lower is better")
    for name, r in (("PyTorch", pt), ("ONNX Runtime", ox)):
        print(f"{name}:")
        print(f"  {f'infer fixed {BATCH}x{MAX_LEN}':<28}{fmt_rate(r['infer_fixed'])}")
        print(f"  {f'infer SemEval {n} (dynamic)':<28}{fmt_rate(r['infer_semeval'])}")
        if "train_step" in r:
            t = r["train_step"]
            print(f"  {f'train step {BATCH}x{MAX_LEN}':<28}{fmt_s(t['seconds'])}")
            print(f"  {'  forward + loss':<28}{fmt_s(t['forward_s'])}")
            print(f"  {'  backward':<28}{fmt_s(t['backward_s'])}")
            print(f"  {'  AdamW step + zero_grad':<28}{fmt_s(t['optimizer_s'])}")
            print(f"  {'  peak RSS after training':<28}{r['peak_rss_mb']:7.0f} MB")
        print(f"  {'load':<28}{fmt_s(r['load_s'])}")
    print(f"ONNX max abs logit diff vs PyTorch: {diff:.2e}\nwrote {args.out}")


if __name__ == "__main__":
    main()
