"""PyTorch's side of bench/gpu.sh: one config of bench/gpu/configs.json (bench/train.ts's T1, T2,
T2A, AWD, T3) trained on CUDA (or --device cpu for a dry run), the same shapes, batch sizes and
timing rule as webgpu-bench.ts: warm-up steps untimed, then timed steps until `steps` or the time
budget; a step ends when its loss is read back (loss.item() waits for the GPU).

The models are the repo's PyTorch anchors (the shared torch_lm_throughput.py for T1/T2,
bench/torch_adaptive.py for T2A, bench/torch_awd.py for AWD/T3), restated here because the device
machine gets only this repository: nn.Embedding -> nn.LSTM per layer (cuDNN) -> dropout ->
nn.Linear (tied where the config says) -> cross entropy, or nn.AdaptiveLogSoftmaxWithLoss
(div_value 4) for an adaptive config; Adam; hidden state carried and detached. AWD-LSTM's
weight-drop and embedding dropouts are elementwise and left out, as in bench/torch_awd.py.

    python3 bench/gpu/torch_cuda.py T1 [--device cuda|cpu] [--steps N] [--budget S]
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def hidden_sizes(m):
    if m["arch"] == "awd-lstm":  # fastai: every layer `hidden` wide except the last, which outputs emb (tied)
        return [m["hidden"]] * (m["layers"] - 1) + [m["emb"]]
    return [m["hidden"]] * m["layers"]


class LM(nn.Module):
    def __init__(self, c):
        super().__init__()
        m, v = c["model"], c["vocab"]
        self.hidden = hidden_sizes(m)
        self.enc = nn.Embedding(v, m["emb"])
        dims = [m["emb"]] + self.hidden
        self.rnns = nn.ModuleList(nn.LSTM(dims[i], dims[i + 1]) for i in range(len(self.hidden)))
        self.drop = nn.Dropout(m.get("dropout", 0))
        if m.get("adaptive"):
            self.out = nn.AdaptiveLogSoftmaxWithLoss(self.hidden[-1], v, cutoffs=m["adaptive"]["cutoffs"], div_value=4.0)
            self.dec = None
        else:
            self.out = None
            self.dec = nn.Linear(self.hidden[-1], v)
            if m.get("tied"):
                self.dec.weight = self.enc.weight

    def forward(self, x, y, state):
        h = self.enc(x)
        nxt = []
        for rnn, st in zip(self.rnns, state):
            h, st2 = rnn(h, st)
            nxt.append(st2)
        h = self.drop(h).view(-1, h.size(2))
        if self.out is not None:
            return self.out(h, y).loss, nxt
        return nn.functional.cross_entropy(self.dec(h), y), nxt


def ids(g, v, n, zipf, dev):
    if zipf:  # p ~ 1/rank, as bench/torch_adaptive.py
        u = torch.rand(n, generator=g)
        t = torch.clamp(torch.floor(torch.exp(u * math.log(v + 1))) - 1, 0, v - 1).long()
    else:
        t = torch.randint(0, v, (n,), generator=g)
    return t.to(dev, non_blocking=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--budget", type=float, default=0)
    a = ap.parse_args()
    with open(os.path.join(HERE, "configs.json")) as f:
        c = json.load(f)[a.config]
    steps = a.steps or c["steps"]
    budget = a.budget or c["budget_s"]
    dev = torch.device(a.device)
    t00 = time.perf_counter()
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    model = LM(c).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=c["lr"], betas=(0.9, 0.99), eps=1e-5)
    S, B, V = c["seq"], c["bs"], c["vocab"]
    state = [(torch.zeros(1, B, h, device=dev), torch.zeros(1, B, h, device=dev)) for h in model.hidden]
    if dev.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start_ms = (time.perf_counter() - t00) * 1000
    times, losses, warm_ms = [], [], 0.0
    t0 = time.perf_counter()
    k = 0
    while True:
        if k >= c["warm"] and (len(times) >= steps or (time.perf_counter() - t0) * 1000 - warm_ms > budget * 1000):
            break
        x = ids(g, V, S * B, c.get("zipf"), dev).view(S, B)
        y = ids(g, V, S * B, c.get("zipf"), dev)
        ts = time.perf_counter()
        state = [(h.detach(), cc.detach()) for h, cc in state]
        opt.zero_grad(set_to_none=True)
        loss, state = model(x, y, state)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        dt = (time.perf_counter() - ts) * 1000
        if k < c["warm"]:
            warm_ms += dt
        else:
            times.append(dt)
        k += 1
    med = statistics.median(times)
    tok = S * B
    out = {"runtime": f"torch-{dev.type}", "torch": torch.__version__, "config": a.config, "bs": B, "seq": S,
           "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
           "cudnn": torch.backends.cudnn.version() if dev.type == "cuda" else None,
           "start_ms": round(start_ms), "warm_steps": c["warm"], "warm_ms": round(warm_ms), "steps": len(times),
           "step_ms": {"min": round(min(times), 2), "median": round(med, 2)},
           "tok_per_s": {"median": round(tok / med * 1000), "max": round(tok / min(times) * 1000)},
           "loss_first": losses[0], "loss_last": losses[-1]}
    if dev.type == "cuda":
        out["peak_allocated_mib"] = round(torch.cuda.max_memory_allocated(dev) / 2**20)
        out["peak_reserved_mib"] = round(torch.cuda.max_memory_reserved(dev) / 2**20)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
