#!/usr/bin/env bash
# Regenerates every fixture under test/golden/ with real PyTorch (Debian's python3-torch).
# Needs /usr/bin/python3 with torch importable; the tests themselves never need PyTorch.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
"$PY" -c 'import torch' || { echo "PyTorch is not importable by $PY: apt-get install -y python3-torch" >&2; exit 1; }
for gen in gen_*.py; do
  echo "== $gen"
  "$PY" "$gen"
done
