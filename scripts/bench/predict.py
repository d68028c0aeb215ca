"""`stance predict` end to end: articles/s and peak RSS on corpora of news-style articles.

    predict.py --stance BIN --model DIR --sizes 500 5000 --out predict.json

Each corpus cycles through the SEESAW articles (real news, ../shared/datasets/seesaw) and the
project's own articles with unique ids and no actors given, so discovery, context selection and
classification all run. Peak RSS is the child's own maximum resident set (getrusage of a fresh
wrapper process per run), so the runs do not see each other's memory.
"""
import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = [
    "../shared/datasets/seesaw/train.jsonl",
    "../shared/datasets/seesaw/dev.jsonl",
    "datasets/articles/train.jsonl",
    "datasets/articles/dev.jsonl",
    "datasets/articles/test.jsonl",
]
# Runs the command in a child and prints that child's peak RSS in KB (Linux ru_maxrss).
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def corpus(n, path):
    articles = []
    for source in SOURCES:
        for line in open(REPO / source, encoding="utf-8"):
            record = json.loads(line)
            articles.append({"text": record["text"], "topic": record["topic"]})
    with open(path, "w", encoding="utf-8") as out:
        for i, article in zip(range(n), itertools.cycle(articles)):
            out.write(json.dumps({"id": f"bench-{i}", **article}, ensure_ascii=False) + "\n")
    return len(articles)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--stance", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--sizes", type=int, nargs="+", required=True)
    p.add_argument("--out", required=True, type=Path)
    a = p.parse_args()
    results = []
    for n in a.sizes:
        path = REPO / f"work/bench/corpus-{n}.jsonl"
        distinct = corpus(n, path)
        out = REPO / f"work/bench/predicted-{n}.jsonl"
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", RSS_WRAPPER, a.stance, "predict", "-m", a.model,
             "--input", str(path), "-o", str(out), "--quiet"],
            capture_output=True, text=True, cwd=REPO)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"predict: stance predict failed on {n} articles: {run.stderr.strip()}")
        rss_mb = int(run.stdout.strip().splitlines()[-1]) / 1024
        lines = out.read_text(encoding="utf-8").splitlines()
        actors = sum(len(json.loads(line).get("actors", [])) for line in lines)
        if len(lines) != n:
            sys.exit(f"predict: expected {n} output records, found {len(lines)}")
        results.append({"articles": n, "distinct_articles": distinct, "seconds": seconds,
                        "articles_per_s": n / seconds, "actors": actors,
                        "actors_per_s": actors / seconds, "peak_rss_mb": rss_mb})
        print(f"predict: {n} articles in {seconds:.1f} s = {n / seconds:.2f} articles/s, "
              f"{actors} actors, peak RSS {rss_mb:.0f} MB", file=sys.stderr)
    a.out.write_text(json.dumps({"model": a.model, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
