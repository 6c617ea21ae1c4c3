"""PyTorch anchor for bench/train.ts's T2A: the T2 model (vocab 33278, LSTM 200, bs 32, seq 30)
with nn.AdaptiveLogSoftmaxWithLoss (cutoffs [2000, 10000], div_value 4) as the output layer, on
Zipf-distributed synthetic ids (p ~ 1/rank, as word frequencies roughly are; uniform ids would put
most targets in the tails, which real text does not). Same timing and JSON shape as the shared
anchor /work/shared/anchors/torch_lm_throughput.py.

    /usr/bin/python3 bench/torch_adaptive.py [--steps 20] [--warmup 3] [--threads 2]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn

V, E, H, B, S = 33278, 200, 200, 32, 30


def zipf_ids(g, n):
    u = torch.rand(n, generator=g)
    return torch.clamp(torch.floor(torch.exp(u * math.log(V + 1))) - 1, 0, V - 1).long()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    enc, rnn, drop = nn.Embedding(V, E), nn.LSTM(E, H), nn.Dropout(0.5)
    out = nn.AdaptiveLogSoftmaxWithLoss(H, V, cutoffs=[2000, 10000], div_value=4.0)
    params = [*enc.parameters(), *rnn.parameters(), *out.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3)
    state = (torch.zeros(1, B, H), torch.zeros(1, B, H))
    times = []
    for s in range(a.warmup + a.steps):
        x = zipf_ids(g, S * B).view(S, B)
        y = zipf_ids(g, S * B)
        t0 = time.perf_counter()
        state = tuple(t.detach() for t in state)
        opt.zero_grad(set_to_none=True)
        h, state = rnn(enc(x), state)
        loss = out(drop(h).view(-1, H), y).loss
        loss.backward()
        opt.step()
        loss.item()
        if s >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    t = sorted(times)
    med = statistics.median(t)
    print(json.dumps({"runtime": "torch", "torch": torch.__version__, "config": "T2A", "threads": torch.get_num_threads(),
                      "step_ms": {"min": round(t[0], 1), "median": round(med, 1), "max": round(t[-1], 1)},
                      "tok_per_s": {"min": round(S * B / t[-1] * 1000), "median": round(S * B / med * 1000), "max": round(S * B / t[0] * 1000)}}), flush=True)


if __name__ == "__main__":
    main()
