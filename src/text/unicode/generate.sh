#!/usr/bin/env bash
# Regenerates tables.ts from the Pythons that fastai may run on (pyenv's builds, one per Unicode
# version): `bash src/text/unicode/generate.sh`. Each Python reports its own tables (gen_tables.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${PYENV_ROOT:-$HOME/.pyenv}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for v in 3.6 3.7 3.8 3.9 3.11 3.12 3.13; do
  py="$(ls -d "$root"/versions/$v.* | sort -V | tail -1)/bin/python3"
  "$py" "$here/gen_tables.py" > "$out/$v.json"
done
python3 "$here/write_tables.py" "$out"/*.json > "$here/tables.ts"
