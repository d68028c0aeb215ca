"""Check that `stance predict --format parquet` (and csv) files read in pandas and polars and say
what the JSONL output of the same run says.

    python3 scripts/check_parquet.py [--stance target/release/stance] [--model DIR]
                                     [--input articles.jsonl] [--out work/parquet-check]

  * runs `stance predict` on the input three times, with --format jsonl, csv and parquet;
  * reads the Parquet file with pandas (pyarrow engine) and, when installed, polars, and the CSV
    file with pandas;
  * checks the columns and their types (p_<LABEL> float32, evidence a list of ints, aliases a
    list of strings), one row per (article, actor) in JSONL order, one row for an article
    without actors, one row with `error` set per error record, and the same stance,
    probabilities (within 1e-6) and evidence sentence indices as the JSONL records.

Without --input, it uses scripts/report/hostile.jsonl (markup, quotes, unicode, an article
without actors), datasets/articles/dev.jsonl and one invalid line. Without --model, it uses
models/stance-default when trained, else work/tmpmodel (a random head; made if missing).

Needs pandas and pyarrow (polars optional). Run with the system python3 and they are installed
into a virtualenv at work/parquet-venv (from PyPI) and the script re-runs itself there.
Exit status: 0 = all checks pass, 1 = a mismatch, 2 = stance or the environment failed.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "work" / "parquet-venv"


def ensure_environment():
    """Re-runs this script in work/parquet-venv (made on first use) unless pandas is here."""
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401

        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        sys.exit("check_parquet: error: pandas/pyarrow are missing from " + str(VENV))
    if not python.exists():
        print(f"check_parquet: making {VENV} (pandas, pyarrow, polars)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "pandas", "pyarrow", "polars"],
            check=True,
        )
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def jsonl_lines(path: Path):
    """The non-blank lines of a JSONL file (split at \\n only: str.splitlines would also split
    at U+2028 and other separators that JSON strings may hold raw)."""
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def default_input(out: Path) -> Path:
    path = out / "input.jsonl"
    lines = jsonl_lines(ROOT / "scripts/report/hostile.jsonl")
    lines += jsonl_lines(ROOT / "datasets/articles/dev.jsonl")
    lines.append('{"id": "broken", "topic": "an article without text"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def default_model(stance: str) -> str:
    if (ROOT / "models/stance-default/config.json").exists():
        return str(ROOT / "models/stance-default")
    model = ROOT / "work/tmpmodel"
    if not (model / "config.json").exists():
        subprocess.run(
            [stance, "model", "init", "--base", str(ROOT / "models/all-MiniLM-L6-v2"), "-o", str(model)],
            check=True,
        )
    return str(model)


def predict(stance, model, source, out, fmt):
    path = out / f"predictions.{fmt}"
    command = [stance, "predict", "-m", model, "-i", str(source), "-o", str(path),
               "--format", fmt, "--skip-invalid", "--force", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"check_parquet: stance failed: {' '.join(command)}\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    return path


class Checker:
    def __init__(self):
        self.failures = 0

    def check(self, condition, message):
        if not condition:
            self.failures += 1
            print(f"MISMATCH: {message}", file=sys.stderr)
        return condition


def expected_rows(jsonl: Path):
    """The flat rows the JSONL records stand for: (id, actor or None, record or None, error)."""
    rows = []
    for line in jsonl_lines(jsonl):
        record = json.loads(line)
        if "error" in record:
            rows.append((record["id"], None, None, record["error"]))
        elif not record["actors"]:
            rows.append((record["id"], None, record, None))
        else:
            rows.extend((record["id"], a, record, None) for a in record["actors"])
    return rows


def labels_of(jsonl: Path):
    for line in jsonl_lines(jsonl):
        for actor in json.loads(line).get("actors", []):
            return list(actor["probabilities"])
    return []


def compare(frame, rows, labels, name, checker, lists=True):
    import pandas as pd

    checker.check(len(frame) == len(rows), f"{name}: {len(frame)} rows, JSONL has {len(rows)}")
    for i, (row, (id_, actor, record, error)) in enumerate(zip(frame.itertuples(index=False), rows)):
        where = f"{name} row {i} ({id_})"
        checker.check(row.id == id_, f"{where}: id {row.id!r}")
        if error is not None:
            checker.check(row.error == error, f"{where}: error {row.error!r}")
            continue
        checker.check(row.topic == record["topic"], f"{where}: topic {row.topic!r}")
        if actor is None:
            checker.check(pd.isna(row.actor) or row.actor == "", f"{where}: actor {row.actor!r}")
            continue
        checker.check(row.actor == actor["name"], f"{where}: actor {row.actor!r} != {actor['name']!r}")
        checker.check(row.stance == actor["stance"], f"{where}: stance {row.stance!r}")
        for label in labels:
            got = float(getattr(row, f"p_{label}"))
            want = actor["probabilities"][label]
            checker.check(abs(got - want) <= 1e-6, f"{where}: p_{label} {got} != {want}")
        evidence = [e["sentence"] for e in actor["evidence"]]
        if lists:
            got_evidence = [int(x) for x in row.evidence]
            got_aliases = [str(x) for x in row.aliases]
        else:
            got_evidence = [int(x) for x in str(row.evidence).split(";") if x and x != "nan"]
            got_aliases = [x for x in str(row.aliases).split(";") if x and x != "nan"]
        checker.check(got_evidence == evidence, f"{where}: evidence {got_evidence} != {evidence}")
        checker.check(got_aliases == actor["aliases"], f"{where}: aliases {got_aliases}")


def main():
    ensure_environment()
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stance", default=str(ROOT / "target/release/stance"))
    parser.add_argument("--model")
    parser.add_argument("--input", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "work/parquet-check")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    source = args.input or default_input(args.out)
    model = args.model or default_model(args.stance)

    jsonl = predict(args.stance, model, source, args.out, "jsonl")
    csv = predict(args.stance, model, source, args.out, "csv")
    parquet = predict(args.stance, model, source, args.out, "parquet")
    rows = expected_rows(jsonl)
    labels = labels_of(jsonl)
    checker = Checker()

    schema = pq.read_schema(parquet)
    # Probability columns come in the model's label order (JSONL sorts them by name).
    in_order = [n[2:] for n in schema.names if n.startswith("p_")]
    checker.check(sorted(in_order) == sorted(labels), f"labels {in_order} != {labels}")
    labels = in_order
    columns = ["id", "topic", "actor", "aliases", "discovered", "mentioned", "stance",
               *[f"p_{l}" for l in labels], "evidence", "error"]
    checker.check(schema.names == columns, f"parquet columns {schema.names} != {columns}")
    types = {
        "id": pa.string(), "topic": pa.string(), "actor": pa.string(), "stance": pa.string(),
        "error": pa.string(), "discovered": pa.bool_(), "mentioned": pa.bool_(),
        "aliases": pa.list_(pa.string()), "evidence": pa.list_(pa.int32()),
        **{f"p_{l}": pa.float32() for l in labels},
    }
    for name, want in types.items():
        got = schema.field(name).type
        checker.check(got == want, f"parquet column {name}: {got} != {want}")

    frame = pd.read_parquet(parquet, engine="pyarrow")
    compare(frame, rows, labels, "pandas parquet", checker)
    compare(pd.read_csv(csv, keep_default_na=True), rows, labels, "pandas csv", checker, lists=False)
    try:
        import polars as pl
    except ImportError:
        pl = None
        print("check_parquet: polars not installed; skipped", file=sys.stderr)
    if pl is not None:
        compare(pl.read_parquet(parquet).to_pandas(), rows, labels, "polars parquet", checker)

    articles = len({r[0] for r in rows if r[3] is None})
    errors = len([r for r in rows if r[3] is not None])
    if checker.failures:
        print(f"check_parquet: {checker.failures} mismatches", file=sys.stderr)
        sys.exit(1)
    print(f"check_parquet: ok: {parquet} ({len(frame)} rows: {articles} articles, {errors} error "
          f"records; labels {', '.join(labels)}) reads in pandas{' and polars' if pl else ''} "
          f"and matches {jsonl.name}; {csv.name} matches too")


if __name__ == "__main__":
    main()
