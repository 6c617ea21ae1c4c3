#!/usr/bin/env bash
# `npm run parity`: scores `wordmill tokenize` (the CLI, worker pool included: exactly what the
# held-out check runs) against the shared parity sets with their own scorer.
# Usage: npm run parity [-- PARITY_DIR]   (default: ../shared/parity beside the checkout)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
parity="${1:-$here/../shared/parity}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node "$here/bin/wordmill.js" tokenize < "$parity/spacy-en/public.jsonl" > "$out/spacy-en.jsonl"
python3 "$parity/parity_score.py" "$parity/spacy-en/public.jsonl" "$out/spacy-en.jsonl" --top 10
node "$here/bin/wordmill.js" tokenize --rules fastai < "$parity/fastai-rules/public.jsonl" > "$out/fastai-rules.jsonl"
python3 "$parity/parity_score.py" "$parity/fastai-rules/public.jsonl" "$out/fastai-rules.jsonl" --top 10
