"""tiktoken's gpt2 Encoding built from the ranks js-tiktoken ships (tiktoken itself would download them).

Used by the GPT-2 fixture generator and the parity/throughput bench; never by tests.
"""
import base64
import json
import pathlib

import tiktoken

ROOT = pathlib.Path(__file__).resolve().parent.parent


def gpt2_encoding() -> tiktoken.Encoding:
    src = (ROOT / 'node_modules/js-tiktoken/dist/ranks/gpt2.cjs').read_text()
    data = json.loads(src[src.index('{'):src.rindex('}') + 1])
    ranks = {}
    for line in data['bpe_ranks'].split('\n'):
        if not line:
            continue
        parts = line.split(' ')
        first = int(parts[1])
        for i, tok in enumerate(parts[2:]):
            ranks[base64.b64decode(tok)] = first + i
    return tiktoken.Encoding('gpt2', pat_str=data['pat_str'], mergeable_ranks=ranks,
                             special_tokens=data['special_tokens'], explicit_n_vocab=data['explicit_n_vocab'])
