"""PyTorch anchor for bench/train.ts's AWD and T3: fastai's AWD-LSTM shape (embedding 400, LSTMs
1152, 1152, 400, decoder tied to the embedding) as plain nn.LSTM layers, Adam, hidden state carried
and detached, synthetic ids. fastai's dropouts are elementwise masks and its weight drop one mask
of the recurrent weights per batch: they cost little next to the matMuls, so they are left out
(the tfjs side runs them all). Same timing and JSON shape as the shared anchor
/work/shared/anchors/torch_lm_throughput.py.

    /work/pyvenv/bin/python bench/torch_awd.py AWD|T3 [--steps 5] [--warmup 1] [--threads 2]

AWD: vocab 20056 (Brown's), bs 32 x 72. T3: vocab 60000, bs 64 x 72 (fastai's defaults).
"""
import argparse
import json
import platform
import statistics
import time

import torch
import torch.nn as nn

CONFIGS = {"AWD": dict(vocab=20056, batch=32), "T3": dict(vocab=60000, batch=64)}
EMB, HIDDEN, SEQ = 400, [1152, 1152, 400], 72


class AWD(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.enc = nn.Embedding(vocab, EMB)
        dims = [EMB] + HIDDEN
        self.rnns = nn.ModuleList(nn.LSTM(dims[i], dims[i + 1]) for i in range(len(HIDDEN)))
        self.dec = nn.Linear(EMB, vocab)
        self.dec.weight = self.enc.weight

    def forward(self, x, state):
        h = self.enc(x)
        out = []
        for rnn, st in zip(self.rnns, state):
            h, st2 = rnn(h, st)
            out.append(st2)
        return self.dec(h.view(-1, h.size(2))), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config", choices=sorted(CONFIGS))
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    c = CONFIGS[a.config]
    V, B = c["vocab"], c["batch"]
    torch.manual_seed(0)
    model = AWD(V)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    state = [(torch.zeros(1, B, h), torch.zeros(1, B, h)) for h in HIDDEN]
    times = []
    for s in range(a.warmup + a.steps):
        x = torch.randint(0, V, (SEQ, B))
        y = torch.randint(0, V, (SEQ, B))
        t0 = time.perf_counter()
        state = [(h.detach(), cc.detach()) for h, cc in state]
        opt.zero_grad(set_to_none=True)
        logits, state = model(x, state)
        loss = crit(logits, y.view(-1))
        loss.backward()
        opt.step()
        loss.item()
        if s >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    tok = SEQ * B
    print(json.dumps({"runtime": "torch", "torch": torch.__version__, "python": platform.python_version(), "config": a.config,
                      "threads": torch.get_num_threads(), "batch": B, "seq": SEQ, "warmup": a.warmup, "steps": a.steps,
                      "step_ms": {"min": round(min(times), 1), "median": round(med, 1)},
                      "tok_per_s": {"median": round(tok / med * 1000), "max": round(tok / min(times) * 1000)}}), flush=True)


if __name__ == "__main__":
    main()
