#!/usr/bin/env bash
# Regenerates every fixture under test/golden/ with real PyTorch (Debian's python3-torch).
# Needs /usr/bin/python3 with torch importable; the tests themselves never need PyTorch.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
# Debian's torch calls whichever libblas.so.3/liblapack.so.3 the system selects; with libopenblas-dev
# installed (the README's set-up) that is OpenBLAS, whose float32 products differ from the reference
# BLAS's in the last bits. The fixtures were recorded with the reference BLAS: pin it, so they
# regenerate byte for byte on either kind of machine.
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
"$PY" -c 'import torch' || { echo "PyTorch is not importable by $PY: apt-get install -y python3-torch" >&2; exit 1; }
for gen in gen_*.py; do
  echo "== $gen"
  "$PY" "$gen"
done
