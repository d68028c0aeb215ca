"""Python peers for the stance-vs-Python benchmark: PyTorch (transformers) and ONNX Runtime on CPU.

    python baselines.py --model DIR --semeval CSV --threads 2 --reps 5 --out OUT.json
                        [--skip-train] [--peers NAME,...] [--limit N] [--cache-dir DIR]

Run with the interpreter of the venv made by scripts/bench/setup-venv.sh. DIR is a Hugging Face
folder written by `stance` (config.json for BertForSequenceClassification, model.safetensors,
tokenizer.json). The peers (--peers, default all but ort-dynamo-f32), same inputs and threads:
  pytorch-f32     transformers in f32
  pytorch-bf16    the same model under torch.autocast("cpu", dtype=torch.bfloat16)
  ort-f32         ONNX Runtime on the TorchScript export (torch.onnx.export(dynamo=False))
  ort-int8        ONNX Runtime on that export with dynamic int8 quantisation (QInt8 weights)
  ort-dynamo-f32  ONNX Runtime on the dynamo export (opt-in: no faster than ort-f32 here)
Exports are cached in --cache-dir (default work/bench), redone when the model folder's contents or
the exporter's versions change. A peer that fails (an exporter error, ONNX logits that differ from
PyTorch's) is recorded as unavailable with the reason; the other peers still run.
Measured, each `--reps` times after one warm-up (min / median / max recorded):
  infer_fixed    sequences/s, one batch 32 x 128 (real SemEval pairs, padded to 128)
  infer_full     sequences/s, the same ids with every position attended (32 x 128 tokens of work
                 for every contender: stance leaves padding out of its inference, the peers do not)
  infer_semeval  sequences/s over the SemEval test CSV (or its first --limit pairs, for a quick
                 check only), batches of 32 in file order, each padded to its longest sequence
                 (tokenisation done beforehand, not timed)
  train_step     PyTorch peers only: seconds per fine-tuning step (forward + CE loss + backward +
                 AdamW step + zero_grad) on the fixed batch, with forward/backward split; peak RSS
                 after the f32 steps
  load           seconds to load: from_pretrained (PyTorch; bf16 loads the same), InferenceSession
                 creation (ONNX)
"""
import argparse
import contextlib
import csv
import gc
import hashlib
import json
import logging
import os
import platform
import re
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

BATCH = 32
MAX_LEN = 128
ATOL = 1e-3  # tolerance for ONNX f32 vs PyTorch f32 logits
REPO = Path(__file__).resolve().parents[2]
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]
PEERS = {  # name: label, in the order they are measured and printed
    "pytorch-f32": "PyTorch f32",
    "pytorch-bf16": "PyTorch bf16 (autocast)",
    "ort-f32": "ONNX Runtime f32 (TorchScript export)",
    "ort-int8": "ONNX Runtime int8 (dynamic quantisation)",
    "ort-dynamo-f32": "ONNX Runtime f32 (dynamo export)",
}
DEFAULT_PEERS = "pytorch-f32,pytorch-bf16,ort-f32,ort-int8"
CPU_FLAGS = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile"]


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
    p.add_argument("--skip-train", action="store_true", help="skip the PyTorch training-step measurements")
    p.add_argument("--peers", default=DEFAULT_PEERS,
                   help=f"comma-separated peers to measure, of {', '.join(PEERS)} (default: {DEFAULT_PEERS})")
    p.add_argument("--limit", type=int, help="use only the first N SemEval pairs (quick check; not for figures)")
    p.add_argument("--cache-dir", type=Path, default=REPO / "work/bench",
                   help="where ONNX exports are cached (default: work/bench)")
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
    if a.limit is not None and a.limit < BATCH:
        die(f"--limit must be >= {BATCH} (one batch)")
    a.peers = [n.strip() for n in a.peers.split(",") if n.strip()]
    unknown = [n for n in a.peers if n not in PEERS]
    if unknown or not a.peers:
        die(f"unknown peer {', '.join(unknown) or '(none given)'}; choose from {', '.join(PEERS)}")
    return a


args = parse_args()
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder only: never ask the Hub
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


class PeerError(Exception):
    """A peer cannot be measured; the message says why, in one line."""


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


def precision(bf16):
    """The autocast context of a PyTorch peer: bf16 matmuls under autocast, or plain f32."""
    return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()


def torch_infer(model, batch, bf16=False):
    with torch.inference_mode(), precision(bf16):
        return model(input_ids=batch[0], attention_mask=batch[1], token_type_ids=batch[2]).logits.float()


def torch_train(model_dir, fixed, reps, bf16):
    """Full fine-tuning steps on the fixed batch; returns step/forward/backward/optimizer seconds.
    In bf16 the forward and loss run under autocast, backward and AdamW outside it (f32 weights)."""
    model = torch_load(model_dir)
    model.train()  # dropout on, as in real fine-tuning
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    labels = torch.randint(0, model.config.num_labels, (BATCH,), generator=torch.Generator().manual_seed(0))
    step_s, fwd_s, bwd_s, opt_s = [], [], [], []
    for rep in range(reps + 1):  # rep 0 is the warm-up
        t0 = time.perf_counter()
        with precision(bf16):
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


def model_digest(model_dir):
    """sha256 of the folder's config and weights: a cached export is redone when either changes."""
    h = hashlib.sha256()
    for name in ("config.json", "model.safetensors"):
        with open(model_dir / name, "rb") as f:
            while chunk := f.read(1 << 22):
                h.update(chunk)
    return h.hexdigest()


def cached(path, key, build):
    """`path`, rebuilt by build(tmp_path) unless its .key file holds `key`."""
    key_file = path.with_name(path.name + ".key")
    if path.is_file() and key_file.is_file() and key_file.read_text() == key:
        print(f"onnx: using cached {path}")
        return path
    print(f"onnx: writing {path} ...", flush=True)
    t0 = time.perf_counter()
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key_file.unlink(missing_ok=True)  # never leave a matching key next to a half-written file
        build(tmp)
    except Exception as e:
        if tmp.is_file():
            tmp.unlink()
        raise PeerError(f"cannot write {path.name}: {one_line(e)}") from e
    tmp.replace(path)
    key_file.write_text(key)
    print(f"onnx: wrote {path} in {time.perf_counter() - t0:.1f} s")
    return path


def export_torchscript(model_dir, sample, out):
    # Batch and sequence length dynamic; the tracer warns about shape checks it freezes, which the
    # logits check against PyTorch on a second shape covers.
    model = torch_load(model_dir).eval()  # a fresh copy: exporting may change the module it traces
    axes = {n: {0: "batch", 1: "sequence"} for n in INPUT_NAMES} | {"logits": {0: "batch"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LogitsOnly(model).eval(), tuple(sample), str(out), input_names=INPUT_NAMES,
                          output_names=["logits"], dynamic_axes=axes, dynamo=False)


def export_dynamo(model_dir, sample, out):
    model = torch_load(model_dir).eval()
    # The dynamo exporter wants torch.export Dims; the sequence is bounded by the position table.
    batch = torch.export.Dim("batch")
    seq = torch.export.Dim("sequence", max=model.config.max_position_embeddings)
    shapes = {n: {0: batch, 1: seq} for n in INPUT_NAMES}
    torch.onnx.export(LogitsOnly(model).eval(), tuple(sample), str(out), input_names=INPUT_NAMES,
                      output_names=["logits"], dynamic_shapes=shapes, external_data=False, verbose=False)


def quantize_int8(source, out):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process first is noise here
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8)


def ort_session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def ort_infer(sess, batch):
    return sess.run(["logits"], dict(zip(INPUT_NAMES, batch)))[0]


# ---------------------------------------------------------------- main

def one_line(e):
    text = " ".join(str(e).split()) or "(no message)"
    return f"{type(e).__name__}: {text[:300]}"


def cpu_info():
    """Model name and which of CPU_FLAGS this CPU has (Linux /proc/cpuinfo)."""
    name, flags = None, set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name is None:
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    name = name or platform.processor() or "unknown"
    return name, [f for f in CPU_FLAGS if f in flags]


def fmt_rate(r):
    s = r["seq_per_s"]
    return f"{s['median']:7.1f} seq/s  (min {s['min']:.1f}, max {s['max']:.1f})"


def fmt_s(r):
    return f"{r['median']:7.3f} s      (min {r['min']:.3f}, max {r['max']:.3f})"


def main():
    reps, model_dir, wanted = args.reps, args.model, args.peers
    tok = load_tokenizer(model_dir)
    pairs = read_pairs(args.semeval)
    if args.limit:
        pairs = pairs[:args.limit]
    if len(pairs) < BATCH:
        die(f"{args.semeval}: need at least {BATCH} rows, found {len(pairs)}")
    encs = tok.encode_batch(pairs)  # tokenised once, before any timing
    fixed_np = pad(encs[:BATCH], MAX_LEN)  # the same 32 real pairs for every rep
    dyn_np = [pad(encs[i:i + BATCH], max(len(e.ids) for e in encs[i:i + BATCH]))
              for i in range(0, len(encs), BATCH)]
    # The same ids with every position attended: 32 x 128 tokens of work whatever a contender does
    # with padding (stance leaves padded rows out of its inference; the peers compute them).
    full_np = (fixed_np[0], np.ones_like(fixed_np[1]), fixed_np[2])
    fixed_pt = [torch.from_numpy(a) for a in fixed_np]  # shares memory: no copies while timing
    full_pt = [torch.from_numpy(a) for a in full_np]
    dyn_pt = [[torch.from_numpy(a) for a in b] for b in dyn_np]
    n = len(pairs)
    print(f"semeval: {n} pairs{' (--limit: a check, not figures)' if args.limit else ''}, "
          f"{len(dyn_np)} batches of <= {BATCH}, mean padded length "
          f"{statistics.mean(b[0].shape[1] for b in dyn_np):.1f}; threads {args.threads}, reps {reps}")

    cpu, flags = cpu_info()
    res = {"machine": {"cpu": cpu, "cpu_flags": flags, "logical_cpus": os.cpu_count(),
                       "threads": args.threads, "loadavg_start": os.getloadavg()},
           "versions": {"python": platform.python_version(), "torch": torch.__version__,
                        "transformers": transformers.__version__, "onnxruntime": ort.__version__,
                        "tokenizers": tokenizers.__version__, "numpy": np.__version__},
           "reps": reps, "batch": BATCH, "max_len": MAX_LEN, "semeval_sequences": n,
           "semeval_limit": args.limit}
    peers = res["peers"] = {}

    def measure(name, fn):
        """Runs fn(entry) for a wanted peer; a failure marks it unavailable and the bench goes on."""
        if name not in wanted:
            return
        entry = peers.setdefault(name, {"label": PEERS[name], "available": True})
        if not entry["available"]:
            return
        try:
            fn(entry)
        except Exception as e:
            reason = str(e) if isinstance(e, PeerError) else one_line(e)
            peers[name] = {"label": PEERS[name], "available": False, "reason": reason}
            print(f"baselines: {name} unavailable: {reason}", file=sys.stderr)

    # The PyTorch f32 model is every ONNX peer's reference, so it must load.
    try:
        model = torch_load(model_dir)
    except Exception as e:
        die(f"transformers cannot load {model_dir}: {one_line(e)}")
    transformers.logging.set_verbosity_error()
    load_s = stats(repeat(lambda: torch_load(model_dir), reps))
    attn = model.config._attn_implementation
    measure("pytorch-f32", lambda r: r.update(load_s=load_s, attn_implementation=attn))
    measure("pytorch-bf16", lambda r: r.update(attn_implementation=attn))  # its load is f32's

    # Training before anything else that allocates (exports, ORT) so the peak RSS reflects PyTorch
    # f32 training; bf16 second (ru_maxrss only grows, so it has no peak of its own).
    if not args.skip_train:
        def train(r, bf16):
            print(f"pytorch: training steps{' under bf16 autocast' if bf16 else ''} ...", flush=True)
            r["train_step"] = torch_train(model_dir, fixed_pt, reps, bf16)
            if not bf16:
                r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB
            gc.collect()
        measure("pytorch-f32", lambda r: train(r, False))
        measure("pytorch-bf16", lambda r: train(r, True))

    # Reference logits on two shapes, before any export touches a model.
    model.eval()
    refs = [(b_np, torch_infer(model, b_pt).numpy()) for b_np, b_pt in ((fixed_np, fixed_pt), (dyn_np[0], dyn_pt[0]))]

    def torch_inference(r, bf16):
        print(f"pytorch: inference{' under bf16 autocast' if bf16 else ''} ...", flush=True)
        if bf16:
            r["max_abs_diff_vs_f32"] = max(float(np.abs(torch_infer(model, b_pt, True).numpy() - ref).max())
                                           for b_pt, (_, ref) in zip((fixed_pt, dyn_pt[0]), refs))
        r["infer_fixed"] = throughput(BATCH, repeat(lambda: torch_infer(model, fixed_pt, bf16), reps))
        r["infer_full"] = throughput(BATCH, repeat(lambda: torch_infer(model, full_pt, bf16), reps))
        r["infer_semeval"] = throughput(n, repeat(lambda: [torch_infer(model, b, bf16) for b in dyn_pt], reps))
    measure("pytorch-f32", lambda r: torch_inference(r, False))
    measure("pytorch-bf16", lambda r: torch_inference(r, True))
    del model
    gc.collect()

    digest = model_digest(model_dir)
    exports = {}  # file name: path or PeerError, so a failed export is tried once

    def export(name, key, build):
        if name not in exports:
            try:
                exports[name] = cached(args.cache_dir / name, f"{digest} {key}", build)
            except PeerError as e:
                exports[name] = e
        if isinstance(exports[name], PeerError):
            raise exports[name]
        return exports[name]

    torchscript = lambda: export("model-torchscript.onnx", f"torchscript torch {torch.__version__}",
                                 lambda out: export_torchscript(model_dir, fixed_pt, out))
    sources = {
        "ort-f32": torchscript,
        "ort-int8": lambda: export("model-torchscript-int8.onnx",
                                   f"torchscript torch {torch.__version__} quantize_dynamic QInt8 "
                                   f"onnxruntime {ort.__version__}",
                                   lambda out: quantize_int8(torchscript(), out)),
        "ort-dynamo-f32": lambda: export("model-dynamo.onnx", f"dynamo torch {torch.__version__}",
                                         lambda out: export_dynamo(model_dir, fixed_pt, out)),
    }

    def ort_peer(r, name):
        path = sources[name]()
        sess = ort_session(path, args.threads)
        outs = [(ort_infer(sess, b_np), ref) for b_np, ref in refs]
        diff = max(float(np.abs(out - ref).max()) for out, ref in outs)
        r["model"] = str(path)
        r["max_abs_diff_vs_pytorch"] = diff
        if name == "ort-int8":  # quantisation moves logits: recorded, not a failure
            r["argmax_agreement_vs_pytorch"] = float(np.mean(np.concatenate(
                [out.argmax(1) == ref.argmax(1) for out, ref in outs])))
        elif not diff <= ATOL:
            raise PeerError(f"logits differ from PyTorch by {diff:.2e} > {ATOL}; delete {path} to re-export")
        print(f"onnxruntime: {name} inference (max |logits - PyTorch's| {diff:.2e}) ...", flush=True)
        r["load_s"] = stats(repeat(lambda: ort_session(path, args.threads), reps))
        r["infer_fixed"] = throughput(BATCH, repeat(lambda: ort_infer(sess, fixed_np), reps))
        r["infer_full"] = throughput(BATCH, repeat(lambda: ort_infer(sess, full_np), reps))
        r["infer_semeval"] = throughput(n, repeat(lambda: [ort_infer(sess, b) for b in dyn_np], reps))
    for name in sources:
        measure(name, lambda r: ort_peer(r, name))
    res["machine"]["loadavg_end"] = os.getloadavg()
    res["peers"] = {name: peers[name] for name in PEERS if name in peers}

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")

    v = res["versions"]
    print(f"\n== baselines: {cpu} ({' '.join(flags) or 'none of ' + ' '.join(CPU_FLAGS)}), "
          f"{args.threads} threads, {reps} reps after 1 warm-up")
    print(f"   python {v['python']}, torch {v['torch']}, transformers {v['transformers']}, "
          f"onnxruntime {v['onnxruntime']}")
    print("   throughput: median (min, max) over reps of sequences/s -- higher is better")
    print("   times: median (min, max) over reps of seconds -- lower is better")
    for r in res["peers"].values():
        print(f"{r['label']}:")
        if not r["available"]:
            print(f"  unavailable: {r['reason']}")
            continue
        if "infer_fixed" in r:
            print(f"  {f'infer fixed {BATCH}x{MAX_LEN}':<28}{fmt_rate(r['infer_fixed'])}")
            print(f"  {f'infer {BATCH}x{MAX_LEN} full mask':<28}{fmt_rate(r['infer_full'])}")
            print(f"  {f'infer SemEval {n} (dynamic)':<28}{fmt_rate(r['infer_semeval'])}")
        if "train_step" in r:
            t = r["train_step"]
            print(f"  {f'train step {BATCH}x{MAX_LEN}':<28}{fmt_s(t['seconds'])}")
            print(f"  {'  forward + loss':<28}{fmt_s(t['forward_s'])}")
            print(f"  {'  backward':<28}{fmt_s(t['backward_s'])}")
            print(f"  {'  AdamW step + zero_grad':<28}{fmt_s(t['optimizer_s'])}")
            if "peak_rss_mb" in r:
                print(f"  {'  peak RSS after training':<28}{r['peak_rss_mb']:7.0f} MB")
        if "load_s" in r:
            print(f"  {'load':<28}{fmt_s(r['load_s'])}")
        for key, what in (("max_abs_diff_vs_pytorch", "max abs logit diff vs PyTorch f32"),
                          ("max_abs_diff_vs_f32", "max abs logit diff vs f32"),
                          ("argmax_agreement_vs_pytorch", "same argmax as PyTorch f32")):
            if key in r:
                print(f"  {what:<36}{r[key]:.2e}" if "diff" in key else f"  {what:<36}{r[key]:.1%}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
