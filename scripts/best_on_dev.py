"""Prints the grid value whose `stance eval --json` report has the best dev macro-F1.

    python3 scripts/best_on_dev.py DIR [--prefer-near X]

DIR holds one report per grid value, named VALUE.json. Every value's score goes to stderr; the
best value to stdout. Ties go to the value nearest X (default 0): the smallest change wins.
"""
import json
import pathlib
import sys


def main() -> None:
    args = sys.argv[1:]
    near = 0.0
    if "--prefer-near" in args:
        i = args.index("--prefer-near")
        near = float(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    scores = []
    for path in pathlib.Path(args[0]).glob("*.json"):
        value = float(path.stem)
        f1 = json.loads(path.read_text())["overall"]["macro_f1"]
        scores.append((f1, -abs(value - near), path.stem))
    if not scores:
        sys.exit(f"best_on_dev: no reports in {args[0]}")
    for f1, _, value in sorted(scores, key=lambda s: float(s[2])):
        print(f"{value}: dev macro-F1 {f1:.4f}", file=sys.stderr)
    print(max(scores)[2])


if __name__ == "__main__":
    main()
