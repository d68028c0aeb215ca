"""Run `stance predict` over a JSONL corpus with Apache Spark and check that the result equals a
single-process run.

    python scripts/spark/run_spark.py --stance target/release/stance --model DIR \
        --input corpus.jsonl --out work/spark [--master local[2]] [--partitions 4]

Spark reads the corpus as text (one article per line), splits it into partitions, and pipes
each partition through one `stance predict --input - --skip-invalid` process (`rdd.pipe`): JSONL
in on stdin, JSONL out on stdout. The records are saved as text part files in OUT/spark-output/
and compared with OUT/single.jsonl, the same corpus run by one process:
  * the same article ids, each exactly once;
  * for each article, the same actors in the same order with the same stance;
  * probabilities equal up to float noise (max |diff| <= 1e-4: batches differ between runs);
  * the same number of error records (their ids differ: an error record is named after its
    line within the partition's input, `line:N`, so give every record an id).
Exit status: 0 = equal, 1 = a difference, 2 = a run failed.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pyspark.sql import SparkSession


def predict_command(stance: str, model: str, extra: list) -> list:
    # One thread per process: Spark already runs one process per core.
    return ["nice", "-n", "19", stance, "predict", "--model", model, "--input", "-",
            "--skip-invalid", "--quiet", *extra]


def by_id(lines, name):
    """Articles by id and the number of error records; duplicates are an error."""
    articles, errors = {}, 0
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        if "error" in record:
            errors += 1
            continue
        if record["id"] in articles:
            raise SystemExit(f"run_spark: {name}: `{record['id']}` occurs twice")
        articles[record["id"]] = record
    return articles, errors


def compare(spark, single):
    """Differences between the two runs (a list of messages) and the largest probability gap."""
    problems, gap = [], 0.0
    missing = sorted(set(single) - set(spark))
    extra = sorted(set(spark) - set(single))
    if missing:
        problems.append(f"{len(missing)} articles missing from the Spark output, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{len(extra)} articles only in the Spark output, e.g. {extra[:3]}")
    for article_id in sorted(set(spark) & set(single)):
        a, b = spark[article_id]["actors"], single[article_id]["actors"]
        names_a, names_b = [x["name"] for x in a], [x["name"] for x in b]
        if names_a != names_b:
            problems.append(f"{article_id}: actors {names_a} != {names_b}")
            continue
        for x, y in zip(a, b):
            if x["stance"] != y["stance"]:
                problems.append(f"{article_id}: {x['name']}: {x['stance']} != {y['stance']}")
            for label, p in x["probabilities"].items():
                gap = max(gap, abs(p - y["probabilities"][label]))
            if [e["sentence"] for e in x["evidence"]] != [e["sentence"] for e in y["evidence"]]:
                problems.append(f"{article_id}: {x['name']}: other evidence sentences")
    if gap > 1e-4:
        problems.append(f"probabilities differ by up to {gap:.2e}")
    return problems, gap


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stance", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--chunk", type=int, default=16, help="stance predict --chunk")
    args = parser.parse_args()
    stance = str(Path(args.stance).resolve())
    model = str(Path(args.model).resolve())
    corpus = Path(args.input).resolve()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    extra = ["--chunk", str(args.chunk)]
    env = {"RAYON_NUM_THREADS": "1"}

    # The reference: one process over the whole corpus.
    single_path = args.out / "single.jsonl"
    started = time.time()
    command = predict_command(stance, model, extra)
    command[command.index("-")] = str(corpus)
    command += ["--output", str(single_path), "--force"]
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"run_spark: the single-process run failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    single_seconds = time.time() - started

    spark = (
        SparkSession.builder.master(args.master)
        .appName("stance-predict")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    output_dir = args.out / "spark-output"
    shutil.rmtree(output_dir, ignore_errors=True)
    started = time.time()
    try:
        lines = spark.sparkContext.textFile(corpus.as_uri(), minPartitions=args.partitions)
        records = lines.filter(lambda line: line.strip() != "").pipe(
            shlex.join(predict_command(stance, model, extra)), env=env, checkCode=True
        )
        records.saveAsTextFile(output_dir.as_uri())
        partitions = lines.getNumPartitions()
    finally:
        spark.stop()
    spark_seconds = time.time() - started

    spark_lines = []
    for part in sorted(output_dir.glob("part-*")):
        spark_lines += part.read_text(encoding="utf-8").split("\n")
    spark_articles, spark_errors = by_id(spark_lines, "Spark output")
    single_articles, single_errors = by_id(
        single_path.read_text(encoding="utf-8").split("\n"), "single-process output"
    )
    problems, gap = compare(spark_articles, single_articles)
    if spark_errors != single_errors:
        problems.append(f"{spark_errors} error records, the single run has {single_errors}")
    actors = sum(len(r["actors"]) for r in single_articles.values())
    print(
        f"run_spark: {args.master}, {partitions} partitions: {len(spark_articles)} articles "
        f"({actors} actors, {spark_errors} error records) in {spark_seconds:.0f} s; single "
        f"process: {len(single_articles)} articles in {single_seconds:.0f} s"
    )
    if problems:
        for problem in problems[:20]:
            print(f"DIFFERENCE: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"run_spark: ok: same ids, actors, stances and evidence; max |probability diff| = {gap:.1e}")


if __name__ == "__main__":
    main()
