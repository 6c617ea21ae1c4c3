"""tiktoken's side of `npm run bench -- gpt2`: ids (for parity) and single-thread encode time.

    python bench/gpt2_tiktoken.py RUNS FILE.jsonl...   → one JSON object on stdout
"""
import json
import sys
import time

from tiktoken_ranks import gpt2_encoding


def main() -> None:
    runs = int(sys.argv[1])
    docs = []
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            docs += [json.loads(line)['text'] for line in f if line.strip()]
    enc = gpt2_encoding()
    ids = [enc.encode_ordinary(d) for d in docs]
    best_cpu = best_wall = float('inf')
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        for d in docs:
            enc.encode_ordinary(d)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    print(json.dumps({'ids': ids, 'cpu': best_cpu, 'wall': best_wall}))


if __name__ == '__main__':
    main()
