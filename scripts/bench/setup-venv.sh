#!/usr/bin/env bash
# Create the Python virtualenv used by scripts/bench/baselines.py (PyTorch + ONNX Runtime baselines).
# Usage: scripts/bench/setup-venv.sh [VENV]   (default: <repo>/work/bench-venv; work/ is git-ignored)
# Idempotent: a stamp file in the venv records the sha256 of requirements.txt (and the interpreter
# version); when it matches, nothing is installed again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${1:-$repo/work/bench-venv}"
req="$here/requirements.txt"
stamp="$venv/.stance-bench-stamp"

die() { echo "setup-venv: $*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH (install Python 3.10+)"
python3 -c 'import venv, ensurepip' 2>/dev/null \
  || die "python3 has no venv/ensurepip module (on Debian/Ubuntu: apt-get install python3-venv)"
[[ -f "$req" ]] || die "missing $req"

want="$(python3 -c 'import sys; print("py%d.%d" % sys.version_info[:2])') $(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "setup-venv: $venv is up to date"
  exit 0
fi

[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || die "python3 -m venv $venv failed"
"$venv/bin/python" -m pip --version >/dev/null 2>&1 || die "pip missing in $venv (python3 -m ensurepip failed?)"
"$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip >/dev/null
# torch from PyPI's default wheel: it pulls CUDA libraries too, unused here but harmless.
"$venv/bin/python" -m pip install --disable-pip-version-check -r "$req" \
  || die "pip install -r $req failed (see output above)"
echo "$want" > "$stamp"
echo "setup-venv: ready: $venv/bin/python"
