"""PyTorch side of bench/brown_parity.ts: the same LSTM language model, started from wordmill's
initial weights, trained on wordmill's batches with fastai's Adam and one-cycle schedule, then
validated on wordmill's validation batches. Everything comes from --dir (written by the .ts side).

    /usr/bin/python3 bench/torch_brown.py --dir <dir> [--threads 1]

Model: nn.Embedding -> one nn.LSTM per layer -> nn.Linear, full softmax (nn.functional.cross_entropy).
Weight mapping: wordmill stores the input and recurrent weights as [in, 4h] and [h, 4h] with gates
in the order i, f, o, g and one bias (b_ih + b_hh); PyTorch wants [4h, in] / [4h, h] in the order
i, f, g, o. bias_hh is zero and frozen: a second trainable bias would get the same gradient and its
own Adam step, moving the sum twice as fast as wordmill's single bias.
Prints one JSON line.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_f32(d, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, f"param_{name}.f32"), dtype="<f4").reshape(shape))


def ifog_to_ifgo(w, h):
    """Rows in gate blocks [i, f, o, g] -> [i, f, g, o] (first dim is 4h)."""
    i, f, o, g = w[:h], w[h:2 * h], w[2 * h:3 * h], w[3 * h:]
    return torch.cat([i, f, g, o], 0).contiguous()


class LM(nn.Module):
    def __init__(self, d, c):
        super().__init__()
        V, E, H, L = c["vocab"], c["model"]["emb"], c["model"]["hidden"], c["model"]["layers"]
        s = c["shapes"]
        self.enc = nn.Embedding(V, E)
        self.rnns = nn.ModuleList(nn.LSTM(E if i == 0 else H, H) for i in range(L))
        self.dec = nn.Linear(H, V)
        with torch.no_grad():
            self.enc.weight.copy_(load_f32(d, "emb", s["emb"]))
            for i, rnn in enumerate(self.rnns):
                rnn.weight_ih_l0.copy_(ifog_to_ifgo(load_f32(d, f"l{i}.wx", s[f"l{i}.wx"]).t(), H))
                rnn.weight_hh_l0.copy_(ifog_to_ifgo(load_f32(d, f"l{i}.wh", s[f"l{i}.wh"]).t(), H))
                rnn.bias_ih_l0.copy_(ifog_to_ifgo(load_f32(d, f"l{i}.b", s[f"l{i}.b"]), H))
                rnn.bias_hh_l0.zero_()
                rnn.bias_hh_l0.requires_grad_(False)
            self.dec.weight.copy_(load_f32(d, "dec.w", s["dec.w"]))
            self.dec.bias.copy_(load_f32(d, "dec.b", s["dec.b"]))

    def forward(self, x, state):  # x: [S, B]
        h = self.enc(x)
        out = []
        for rnn, st in zip(self.rnns, state):
            h, st2 = rnn(h, st)
            out.append(st2)
        return self.dec(h.reshape(-1, h.size(2))), out


def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combined_cos(pct, start, middle, end, pos):
    if pos < pct:
        return sched_cos(start, middle, 1 if pct == 0 else pos / pct)
    return sched_cos(middle, end, 1 if pct == 1 else (pos - pct) / (1 - pct))


def batches(d, name, seq_lens, bs):
    x = np.fromfile(os.path.join(d, f"{name}_x.i32"), dtype="<i4")
    y = np.fromfile(os.path.join(d, f"{name}_y.i32"), dtype="<i4")
    o = 0
    for s in seq_lens:
        n = bs * s
        # wordmill's batches are row-major [bs, seq]; nn.LSTM is time-major.
        yield (torch.from_numpy(x[o:o + n].reshape(bs, s).T.astype(np.int64)),
               torch.from_numpy(y[o:o + n].reshape(bs, s).T.astype(np.int64)))
        o += n


def zero_state(c, bs):
    H = c["model"]["hidden"]
    return [(torch.zeros(1, bs, H), torch.zeros(1, bs, H)) for _ in range(c["model"]["layers"])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.dir, "config.json")) as f:
        c = json.load(f)
    t = c["train"]
    model = LM(a.dir, c)
    # fastai's true_wd with wd_bn_bias=False: decoupled decay (AdamW) on weights, none on biases.
    decay = [p for n, p in model.named_parameters() if p.requires_grad and "bias" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and "bias" in n]
    b1, b2 = t["betas"]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": t["wd"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=t["lr"], betas=(b1, b2), eps=t["eps"])
    params = decay + no_decay
    oc, steps, bs = t["oneCycle"], c["steps"], c["bs"]
    state = zero_state(c, bs)
    smooth, marks = 0.0, {}
    t0 = time.perf_counter()
    model.train()
    for k, (x, y) in enumerate(batches(a.dir, "train", [c["seqLen"]] * steps, bs)):
        pos = k / steps
        if t["schedule"] == "one-cycle":
            lr = combined_cos(oc["pctStart"], t["lr"] / oc["div"], t["lr"], t["lr"] / oc["divFinal"], pos)
            beta1 = combined_cos(oc["pctStart"], *oc["moms"], pos)
        else:
            lr, beta1 = t["lr"], b1
        for g in opt.param_groups:
            g["lr"], g["betas"] = lr, (beta1, b2)
        state = [(h.detach(), cc.detach()) for h, cc in state]
        opt.zero_grad(set_to_none=True)
        logits, state = model(x, state)
        loss = F.cross_entropy(logits, y.reshape(-1))
        loss.backward()
        if t.get("clip"):
            torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        smooth = smooth * 0.98 + loss.item() * 0.02
        if k + 1 in (1, 10, 50, 100, 200, steps):
            marks[k + 1] = round(smooth / (1 - 0.98 ** (k + 1)), 4)
        # With Debian's reference BLAS a step takes seconds: show that the run is alive.
        if (k + 1) % 50 == 0:
            print(f"torch: step {k + 1}/{steps}, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    train_s = time.perf_counter() - t0
    model.eval()
    nll, right, tokens = 0.0, 0, 0
    state = zero_state(c, bs)
    with torch.no_grad():
        for x, y in batches(a.dir, "valid", c["validSeqLens"], bs):
            logits, state = model(x, state)
            nll += F.cross_entropy(logits, y.reshape(-1), reduction="sum").item()
            right += (logits.argmax(1) == y.reshape(-1)).sum().item()
            tokens += y.numel()
    loss = nll / tokens
    print(json.dumps({
        "runtime": "torch", "torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
        "validLoss": loss, "perplexity": math.exp(loss), "accuracy": right / tokens, "validTokens": tokens,
        "wallSeconds": round(time.perf_counter() - t0, 1), "trainTokPerS": round(steps * bs * c["seqLen"] / train_s),
        "smoothLoss": marks,
    }), flush=True)


if __name__ == "__main__":
    main()
