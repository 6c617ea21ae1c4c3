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


class GPT(nn.Module):
    """wordmill's gpt (models/gpt.ts): learned positions, pre-LN blocks, causal attention with fused
    q|k|v, tanh GELU, tied head. wordmill's weights are Conv1D-layout [in, out] (x·W + b), so each
    nn.Linear takes W transposed; names follow wordmill's parameters (h{i}.attn.w, …)."""

    def __init__(self, d, c):
        super().__init__()
        m, s = c["model"], c["shapes"]
        V, C, L, self.heads = c["vocab"], m["emb"], m["layers"], m["heads"]
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(m["context"], C)
        self.blocks = nn.ModuleList()
        lin = lambda i, o: nn.Linear(i, o)
        for _ in range(L):
            self.blocks.append(nn.ModuleDict({
                "ln1": nn.LayerNorm(C, eps=1e-5), "attn": lin(C, 3 * C), "proj": lin(C, C),
                "ln2": nn.LayerNorm(C, eps=1e-5), "fc": lin(C, 4 * C), "mlp": lin(4 * C, C)}))
        self.lnf = nn.LayerNorm(C, eps=1e-5)
        with torch.no_grad():
            self.wte.weight.copy_(load_f32(d, "wte", s["wte"]))
            self.wpe.weight.copy_(load_f32(d, "wpe", s["wpe"]))
            for i, b in enumerate(self.blocks):
                for ln in ("ln1", "ln2"):
                    b[ln].weight.copy_(load_f32(d, f"h{i}.{ln}.g", s[f"h{i}.{ln}.g"]))
                    b[ln].bias.copy_(load_f32(d, f"h{i}.{ln}.b", s[f"h{i}.{ln}.b"]))
                for k in ("attn", "proj", "fc", "mlp"):
                    b[k].weight.copy_(load_f32(d, f"h{i}.{k}.w", s[f"h{i}.{k}.w"]).t())
                    b[k].bias.copy_(load_f32(d, f"h{i}.{k}.b", s[f"h{i}.{k}.b"]))
            self.lnf.weight.copy_(load_f32(d, "lnf.g", s["lnf.g"]))
            self.lnf.bias.copy_(load_f32(d, "lnf.b", s["lnf.b"]))
        # wordmill's parameter name of each torch parameter (weight decay follows wordmill's list).
        self.wm_names = {"wte.weight": "wte", "wpe.weight": "wpe", "lnf.weight": "lnf.g", "lnf.bias": "lnf.b"}
        for i in range(L):
            for k, wm in (("ln1", "ln1"), ("ln2", "ln2")):
                self.wm_names[f"blocks.{i}.{k}.weight"], self.wm_names[f"blocks.{i}.{k}.bias"] = f"h{i}.{wm}.g", f"h{i}.{wm}.b"
            for k in ("attn", "proj", "fc", "mlp"):
                self.wm_names[f"blocks.{i}.{k}.weight"], self.wm_names[f"blocks.{i}.{k}.bias"] = f"h{i}.{k}.w", f"h{i}.{k}.b"

    def forward(self, x):  # x: [B, T] batch-major
        B, T = x.shape
        h = self.wte(x) + self.wpe.weight[:T]
        H = self.heads
        for b in self.blocks:
            q, k, v = b["attn"](b["ln1"](h)).split(h.size(2), dim=2)
            q, k, v = (t.view(B, T, H, -1).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            h = h + b["proj"](y.transpose(1, 2).reshape(B, T, -1))
            h = h + b["mlp"](F.gelu(b["fc"](b["ln2"](h)), approximate="tanh"))
        return self.lnf(h) @ self.wte.weight.t()


def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combined_cos(pct, start, middle, end, pos):
    if pos < pct:
        return sched_cos(start, middle, 1 if pct == 0 else pos / pct)
    return sched_cos(middle, end, 1 if pct == 1 else (pos - pct) / (1 - pct))


def warmup_cosine(lr, pos, pct):
    """HF's get_cosine_schedule_with_warmup over progress pos (wordmill's schedule.ts warmupCosine)."""
    if pos < pct:
        return lr * pos / pct
    p = 1 if pct >= 1 else (pos - pct) / (1 - pct)
    return lr * 0.5 * (1 + math.cos(math.pi * min(1, p)))


def batches(d, name, seq_lens, bs, time_major=True):
    x = np.fromfile(os.path.join(d, f"{name}_x.i32"), dtype="<i4")
    y = np.fromfile(os.path.join(d, f"{name}_y.i32"), dtype="<i4")
    o = 0
    for s in seq_lens:
        n = bs * s
        # wordmill's batches are row-major [bs, seq]; nn.LSTM is time-major, the GPT batch-major.
        xb, yb = x[o:o + n].reshape(bs, s), y[o:o + n].reshape(bs, s)
        if time_major:
            xb, yb = xb.T, yb.T
        yield torch.from_numpy(xb.astype(np.int64)), torch.from_numpy(yb.astype(np.int64))
        o += n


def zero_state(c, bs):
    if c["model"]["arch"] == "gpt":
        return []  # stateless: nothing is carried across batches
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
    gpt = c["model"]["arch"] == "gpt"
    model = GPT(a.dir, c) if gpt else LM(a.dir, c)
    if gpt:
        # wordmill's own list: biases and LayerNorms are not decayed (nanoGPT's groups).
        skip = set(c["noDecay"])
        decay = [p for n, p in model.named_parameters() if model.wm_names[n] not in skip]
        no_decay = [p for n, p in model.named_parameters() if model.wm_names[n] in skip]
    else:
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
    step_s = []
    for k, (x, y) in enumerate(batches(a.dir, "train", [c["seqLen"]] * steps, bs, not gpt)):
        ts = time.perf_counter()
        pos = k / steps
        if t["schedule"] == "warmup-cosine":
            lr, beta1 = warmup_cosine(t["lr"], pos, t["warmupPct"]), b1
        elif t["schedule"] == "one-cycle":
            lr = combined_cos(oc["pctStart"], t["lr"] / oc["div"], t["lr"], t["lr"] / oc["divFinal"], pos)
            beta1 = combined_cos(oc["pctStart"], *oc["moms"], pos)
        else:
            lr, beta1 = t["lr"], b1
        for g in opt.param_groups:
            g["lr"], g["betas"] = lr, (beta1, b2)
        opt.zero_grad(set_to_none=True)
        if gpt:
            logits = model(x).reshape(-1, c["vocab"])
        else:
            state = [(h.detach(), cc.detach()) for h, cc in state]
            logits, state = model(x, state)
        loss = F.cross_entropy(logits, y.reshape(-1))
        loss.backward()
        if t.get("clip"):
            torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        smooth = smooth * 0.98 + loss.item() * 0.02
        step_s.append(time.perf_counter() - ts)
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
        for x, y in batches(a.dir, "valid", c["validSeqLens"], bs, not gpt):
            if gpt:
                logits = model(x).reshape(-1, c["vocab"])
            else:
                logits, state = model(x, state)
            nll += F.cross_entropy(logits, y.reshape(-1), reduction="sum").item()
            right += (logits.argmax(1) == y.reshape(-1)).sum().item()
            tokens += y.numel()
    loss = nll / tokens
    print(json.dumps({
        "runtime": "torch", "torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
        "validLoss": loss, "perplexity": math.exp(loss), "accuracy": right / tokens, "validTokens": tokens,
        "wallSeconds": round(time.perf_counter() - t0, 1), "trainTokPerS": round(steps * bs * c["seqLen"] / train_s),
        "smoothLoss": marks, "medianStepSeconds": round(sorted(step_s)[len(step_s) // 2], 4),
    }), flush=True)


if __name__ == "__main__":
    main()
