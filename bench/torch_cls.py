"""PyTorch reference for the SpamAssassin classifier benchmark (issue 11): fastai's ULMFiT model and
recipe written out in plain PyTorch, trained on wordmill's own batches (written by
bench/cls_parity.ts into --dir), so that only the frameworks differ from wordmill's run.

    /work/pyvenv/bin/python bench/torch_cls.py --dir <dir> [--threads 1]

Model (fastai 2.7 text/models/awdlstm.py and core.py, re-stated):
- AWD_LSTM: Embedding (uniform ±0.1, padding row) with EmbeddingDropout (whole words), RNNDropout
  (locked: one mask per sequence) on its output, `layers` single-layer nn.LSTMs (hidden `hidden`, the
  last `emb`) each with WeightDropout (DropConnect on weight_hh, a fresh mask per forward), RNNDropout
  between layers. The hidden state is carried from chunk to chunk and detached (fastai's to_detach).
- LM head: LinearDecoder tied to the embedding, output dropout.
- Classifier: SentenceEncoder (each padded document read in `seqLen` chunks, the state reset per
  batch, rows whose chunk is all padding not run -- fastai's real_bs, which needs the rows sorted by
  length and padding in front, as wordmill's sortish batches are; outputs kept for the last `maxLen`
  tokens), masked_concat_pool (last real output, max and mean over real tokens), then
  PoolingLinearClassifier: [BatchNorm1d -> Dropout -> Linear(no bias) -> ReLU] per lin_ftrs, then
  BatchNorm1d -> Dropout -> Linear(no bias) (fastai's LinBnDrop with bn=True).
- Regularization: fastai's RNNRegularizer (AR alpha on the dropped last-layer output, TAR beta on
  the raw one), as TextLearner adds by default (alpha 2, beta 1).
Training (fastai's Learner defaults for text): Adam with decoupled weight decay 0.01 (none on biases
and BatchNorm: wd_bn_bias=False), eps 1e-5; fit_one_cycle (pct_start 0.25, div 25, div_final 1e5,
cosine annealing, moms (0.8, 0.7, 0.8) as TextLearner sets); discriminative learning rates: lr given
as slice(lr/2.6^4, lr) spread geometrically over the parameter groups (fastai's even_mults) --
classifier groups are awd_lstm_clas_split's: [embedding], one per LSTM layer, [head]; freeze_to(-n)
trains only the last n groups (BatchNorm included, as train_bn=True does with the head anyway).
Weights: wordmill's initial weights when the directory has param_*.f32 files (the encoder's, as
torch_brown.py maps them: gates i,f,o,g -> i,f,g,o, one bias), else PyTorch's seeded init.
config.json (written by bench/cls_parity.ts from the pipeline spec wordmill runs) may also set:
`drops` (the dropouts wordmill resolved), `train.lmMoms` (the LM fine-tune's momentum cycle),
`train.clsAlpha`/`clsBeta` (AR/TAR on the classifier; wordmill's has none) and `train.optPerStage`
(a fresh optimizer per stage, as wordmill's trainer does; fastai keeps one).
Prints one JSON line per epoch (stage, epoch, train_loss, valid_loss, accuracy, f1, time) on stderr
and a final JSON summary on stdout.
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


# ---------------------------------------------------------------- model (fastai's AWD-LSTM)

def dropout_mask(x, sz, p):
    return x.new_empty(*sz).bernoulli_(1 - p).div_(1 - p)


class RNNDropout(nn.Module):
    """Locked dropout: one mask per sequence, the same at every time step."""
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):  # [bs, seq, nf]
        if not self.training or self.p == 0:
            return x
        return x * dropout_mask(x.data, (x.size(0), 1, *x.shape[2:]), self.p)


class WeightDropout(nn.Module):
    """DropConnect on an LSTM's hidden-to-hidden weights: a fresh mask for each forward call."""
    def __init__(self, module, p):
        super().__init__()
        self.module, self.p = module, p
        w = getattr(self.module, "weight_hh_l0")
        self.weight_raw = nn.Parameter(w.data.clone())
        delattr(self.module, "weight_hh_l0")
        setattr(self.module, "weight_hh_l0", w.data.clone())
        self.module.flatten_parameters = lambda *a, **k: None

    def forward(self, *args):
        # In eval, a clone: the Parameter itself would be registered back on the LSTM (fastai does the same).
        w = F.dropout(self.weight_raw, p=self.p) if self.training else self.weight_raw.clone()
        setattr(self.module, "weight_hh_l0", w)
        return self.module(*args)


class EmbeddingDropout(nn.Module):
    """Drops whole rows of the embedding (words), scaling the rest by 1/(1-p)."""
    def __init__(self, emb, p):
        super().__init__()
        self.emb, self.p = emb, p

    def forward(self, words):
        w = self.emb.weight
        if self.training and self.p:
            w = w * dropout_mask(w.data, (w.size(0), 1), self.p)
        return F.embedding(words, w, self.emb.padding_idx)


class AWDLSTM(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, pad, drops):
        super().__init__()
        self.emb_sz, self.layers = emb, layers
        self.encoder = nn.Embedding(vocab, emb, padding_idx=pad)
        self.encoder.weight.data.uniform_(-0.1, 0.1)
        self.encoder_dp = EmbeddingDropout(self.encoder, drops["embed"])
        self.sizes = [hidden if i < layers - 1 else emb for i in range(layers)]
        self.rnns = nn.ModuleList(
            WeightDropout(nn.LSTM(emb if i == 0 else self.sizes[i - 1], self.sizes[i], 1, batch_first=True), drops["weight"])
            for i in range(layers))
        self.input_dp = RNNDropout(drops["input"])
        self.hidden_dps = nn.ModuleList(RNNDropout(drops["hidden"]) for _ in range(layers))
        self.hidden = None

    def reset(self):
        self.hidden = None

    def forward(self, x):
        bs = x.size(0)
        if self.hidden is not None and self.hidden[0][0].size(1) != bs:
            # fastai's _change_hidden: rows are sorted longest first, so the rows that have begun are a
            # prefix; rows starting now get a zero state, fewer rows keep the first ones.
            have = self.hidden[0][0].size(1)
            if have < bs:
                self.hidden = [tuple(torch.cat([t, t.new_zeros(1, bs - have, t.size(2))], 1) for t in hc) for hc in self.hidden]
            else:
                self.hidden = [(h[:, :bs].contiguous(), c[:, :bs].contiguous()) for h, c in self.hidden]
        out = self.input_dp(self.encoder_dp(x))
        new_hidden, raw = [], None
        for i, (rnn, dp) in enumerate(zip(self.rnns, self.hidden_dps)):
            out, h = rnn(out, None if self.hidden is None else self.hidden[i])
            new_hidden.append(h)
            if i == self.layers - 1:
                raw = out
            else:
                out = dp(out)
        self.hidden = [(h.detach(), c.detach()) for h, c in new_hidden]
        return raw


class LanguageModel(nn.Module):
    def __init__(self, enc, vocab, output_p):
        super().__init__()
        self.enc = enc
        self.output_dp = RNNDropout(output_p)
        self.decoder = nn.Linear(enc.emb_sz, vocab)
        self.decoder.weight = enc.encoder.weight  # tied
        self.decoder.bias.data.zero_()

    def forward(self, x):
        raw = self.enc(x)
        out = self.output_dp(raw)
        return self.decoder(out), raw, out


def masked_concat_pool(out, mask, bptt):
    lens = out.shape[1] - mask.long().sum(dim=1)
    last_lens = mask[:, -bptt:].long().sum(dim=1)
    avg = out.masked_fill(mask[:, :, None], 0).sum(dim=1)
    avg.div_(lens.type(avg.dtype)[:, None])
    mx = out.masked_fill(mask[:, :, None], -float("inf")).max(dim=1)[0]
    return torch.cat([out[torch.arange(0, out.size(0)), -last_lens - 1], mx, avg], 1)


class Classifier(nn.Module):
    def __init__(self, enc, n_class, lin_ftrs, ps, bptt, max_len, pad):
        super().__init__()
        self.enc, self.bptt, self.max_len, self.pad = enc, bptt, max_len, pad
        dims = [enc.emb_sz * 3] + lin_ftrs + [n_class]
        layers = []
        for k, (i, o, p) in enumerate(zip(dims[:-1], dims[1:], ps)):
            layers += [nn.BatchNorm1d(i)] + ([nn.Dropout(p)] if p else []) + [nn.Linear(i, o, bias=False)]
            if k < len(dims) - 2:
                layers.append(nn.ReLU(inplace=True))
        self.head = nn.Sequential(*layers)

    def encode(self, x):
        bs, sl = x.shape
        self.enc.reset()
        mask = x == self.pad
        outs, masks = [], []
        for i in range(0, sl, self.bptt):
            real_bs = int((x[:, i] != self.pad).long().sum())
            if real_bs == 0:
                continue
            o = self.enc(x[:real_bs, i:min(i + self.bptt, sl)])
            if self.max_len is None or sl - i <= self.max_len:
                outs.append(F.pad(o, (0, 0, 0, 0, 0, bs - real_bs)))
                masks.append(mask[:, i:min(i + self.bptt, sl)])
        return torch.cat(outs, 1), torch.cat(masks, 1)

    def forward(self, x):
        out, mask = self.encode(x)
        return self.head(masked_concat_pool(out, mask, self.bptt)), out


# ---------------------------------------------------------------- weights from wordmill

def ifog_to_ifgo(w, h):
    i, f, o, g = w[:h], w[h:2 * h], w[2 * h:3 * h], w[3 * h:]
    return torch.cat([i, f, g, o], 0).contiguous()


def load_wordmill_encoder(enc, d, shapes):
    """Copies wordmill's emb / l{i}.wx / l{i}.wh / l{i}.b into the AWD-LSTM (bias_hh zero, frozen)."""
    def f32(name):
        return torch.from_numpy(np.fromfile(os.path.join(d, f"param_{name}.f32"), dtype="<f4").reshape(shapes[name]))
    with torch.no_grad():
        enc.encoder.weight.copy_(f32("emb"))
        for i, rnn in enumerate(enc.rnns):
            h = enc.sizes[i]
            rnn.module.weight_ih_l0.copy_(ifog_to_ifgo(f32(f"l{i}.wx").t(), h))
            rnn.weight_raw.copy_(ifog_to_ifgo(f32(f"l{i}.wh").t(), h))
            rnn.module.bias_ih_l0.copy_(ifog_to_ifgo(f32(f"l{i}.b"), h))
            rnn.module.bias_hh_l0.zero_()
            rnn.module.bias_hh_l0.requires_grad_(False)


# ---------------------------------------------------------------- wordmill's batches

MAX_BATCHES = 0


def capped(gen):
    for k, b in enumerate(gen):
        if MAX_BATCHES and k >= MAX_BATCHES:
            return
        yield b


def cls_batches(d, name, epoch=None):
    return capped(_cls_batches(d, name, epoch))


def _cls_batches(d, name, epoch=None):
    """(x [bs, width] int64, labels, index) per batch, in wordmill's order."""
    tag = name if epoch is None else f"{name}{epoch}"
    with open(os.path.join(d, f"cls_{tag}.json")) as f:
        shapes = json.load(f)
    x = np.fromfile(os.path.join(d, f"cls_{tag}_x.u16"), dtype="<u2")
    lab = np.fromfile(os.path.join(d, f"cls_{tag}_labels.i32"), dtype="<i4")
    idx = np.fromfile(os.path.join(d, f"cls_{tag}_index.i32"), dtype="<i4")
    o = r = 0
    for bs, width in shapes:
        yield (torch.from_numpy(x[o:o + bs * width].reshape(bs, width).astype(np.int64)),
               torch.from_numpy(lab[r:r + bs].astype(np.int64)), idx[r:r + bs])
        o += bs * width
        r += bs


def lm_batches(d, epoch, bs, seq_lens):
    return capped(_lm_batches(d, epoch, bs, seq_lens))


def _lm_batches(d, epoch, bs, seq_lens):
    x = np.fromfile(os.path.join(d, f"lm{epoch}_x.u16"), dtype="<u2")
    y = np.fromfile(os.path.join(d, f"lm{epoch}_y.u16"), dtype="<u2")
    o = 0
    for s in seq_lens:
        n = bs * s
        yield (torch.from_numpy(x[o:o + n].reshape(bs, s).astype(np.int64)),
               torch.from_numpy(y[o:o + n].reshape(bs, s).astype(np.int64)))
        o += n


# ---------------------------------------------------------------- fastai's optimizer and schedule

def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combined_cos(pct, start, middle, end, pos):
    if pos < pct:
        return sched_cos(start, middle, 1 if pct == 0 else pos / pct)
    return sched_cos(middle, end, 1 if pct == 1 else (pos - pct) / (1 - pct))


def even_mults(start, stop, n):
    if n == 1:
        return [stop]
    mult = stop / start
    step = mult ** (1 / (n - 1))
    return [start * (step ** i) for i in range(n)]


def group_params(mods, seen):
    """A layer group's trainable tensors, each once (the tied decoder is the embedding), bias_hh left out."""
    out = []
    for m in mods:
        for mod in m.modules():
            for n, p in mod.named_parameters(recurse=False):
                if n == "bias_hh_l0" or id(p) in seen:
                    continue
                seen.add(id(p))
                out.append((p, isinstance(mod, nn.BatchNorm1d) or "bias" in n))
    return out


def make_groups(groups, wd):
    """One AdamW param group per (layer group, decay?) pair; fastai decays weights, not biases or BatchNorm."""
    out, seen = [], set()
    for gi, mods in enumerate(groups):
        ps = group_params(mods, seen)
        out.append({"params": [p for p, nd in ps if not nd], "weight_decay": wd, "layer": gi})
        out.append({"params": [p for p, nd in ps if nd], "weight_decay": 0.0, "layer": gi})
    return out


def make_opt(groups, t):
    """One optimizer per Learner, kept across fit_one_cycle calls (fastai's fit resets it only if asked)."""
    return torch.optim.AdamW(make_groups(groups, t["wd"]), lr=1e-3, betas=tuple(t["moms"][:1] + [t["beta2"]]), eps=t["eps"])


def fit_one_cycle(model, opt, groups, epochs, lr, frozen_to, batches_of, valid, loss_of, c, log, stage, moms=None):
    """fastai's fit_one_cycle(epochs, lr) after freeze_to(frozen_to): lr is a number or [lo, hi] (a slice).
    Frozen parameters get no gradient, so Adam skips them (no step, no weight decay), as in fastai."""
    n = len(groups)
    lrs = even_mults(lr[0], lr[1], n) if isinstance(lr, list) else [lr] * n
    trainable = set(range(n - frozen_to, n)) if frozen_to else set(range(n))
    seen = set()
    for gi, mods in enumerate(groups):
        for p, _ in group_params(mods, seen):
            p.requires_grad_(gi in trainable)
    t = c["train"]
    moms = moms or t["moms"]
    per_epoch = [sum(1 for _ in batches_of(e)) for e in range(epochs)]
    total, k = sum(per_epoch), 0
    rows = []
    for e in range(epochs):
        t0 = time.perf_counter()
        model.train()
        tot, cnt = 0.0, 0
        for batch in batches_of(e):
            pos = k / total
            mom = combined_cos(t["pctStart"], *moms, pos)
            for g in opt.param_groups:
                top = lrs[g["layer"]]
                g["lr"] = combined_cos(t["pctStart"], top / t["div"], top, top / t["divFinal"], pos)
                g["betas"] = (mom, t["beta2"])
            opt.zero_grad(set_to_none=True)
            loss = loss_of(batch)
            loss.backward()
            if t.get("clip"):
                torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], t["clip"])
            opt.step()
            tot, cnt, k = tot + loss.item(), cnt + 1, k + 1
        v = valid()
        row = {"stage": stage, "epoch": e, "train_loss": round(tot / max(cnt, 1), 5), **v, "time": round(time.perf_counter() - t0, 1)}
        log(row)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- the recipe

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-batches", type=int, default=0, help="smoke test: at most this many batches per epoch and validation")
    a = ap.parse_args()
    global MAX_BATCHES
    MAX_BATCHES = a.max_batches
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.dir, "config.json")) as f:
        c = json.load(f)
    torch.manual_seed(c["seed"])
    m, V, pad = c["model"], c["vocab"], c["pad"]
    started = time.perf_counter()

    def log(row):
        print(json.dumps(row), file=sys.stderr, flush=True)

    def drops(base, mult):
        return {k: v * mult for k, v in base.items()}

    if "drops" in c:  # the dropouts wordmill's trainer resolved from the shared spec
        lm_drops, cls_drops = c["drops"]["lm"], c["drops"]["cls"]
    else:
        lm_drops = drops({"output": 0.1, "hidden": 0.15, "input": 0.25, "embed": 0.02, "weight": 0.2}, m["dropMultLM"])
        cls_drops = drops({"output": 0.4, "hidden": 0.3, "input": 0.4, "embed": 0.05, "weight": 0.5}, m["dropMultCls"])
    summary = {"runtime": "torch", "torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads()}

    # (1) language model fine-tune on all of the corpus's text, then keep its encoder.
    enc = AWDLSTM(V, m["emb"], m["hidden"], m["layers"], pad, lm_drops)
    if os.path.exists(os.path.join(a.dir, "param_emb.f32")):
        load_wordmill_encoder(enc, a.dir, c["shapes"])
        summary["init"] = "wordmill"
    lm = c.get("lm")
    if lm and lm["epochs"] > 0:
        lmm = LanguageModel(enc, V, lm_drops["output"])
        # fastai's awd_lstm_lm_split: each LSTM layer, then the embedding with the (tied) decoder.
        groups = [[r] for r in enc.rnns] + [[enc.encoder, lmm.decoder]]

        def lm_loss(b):
            x, y = b
            logits, raw, out = lmm(x)
            loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
            return loss + c["train"]["alpha"] * out.pow(2).mean() + c["train"]["beta"] * (raw[:, 1:] - raw[:, :-1]).pow(2).mean()

        def lm_valid():
            return {}

        def lm_epoch(e):
            enc.reset()
            return lm_batches(a.dir, e, lm["bs"], lm["seqLens"][e])

        summary["lm"] = fit_one_cycle(lmm, make_opt(groups, c["train"]), groups, lm["epochs"], lm["lr"], 0, lm_epoch, lm_valid, lm_loss, c, log, "lm",
                                      moms=c["train"].get("lmMoms"))
    # Encoder dropouts become the classifier's (fastai builds a new AWD_LSTM and loads the weights).
    enc.encoder_dp.p = cls_drops["embed"]
    enc.input_dp.p = cls_drops["input"]
    for r in enc.rnns:
        r.p = cls_drops["weight"]
    for d in enc.hidden_dps:
        d.p = cls_drops["hidden"]

    # (2) the classifier, trained in stages with gradual unfreezing and discriminative learning rates.
    n_class = len(c["labels"])
    clf = Classifier(enc, n_class, m["linFtrs"], [cls_drops["output"]] + [0.1] * len(m["linFtrs"]), c["seqLen"], c["maxLen"], pad)
    groups = [[enc.encoder]] + [[r] for r in enc.rnns] + [[clf.head]]
    positive = c["labels"].index(c["positive"]) if c.get("positive") in c["labels"] else n_class - 1

    def cls_loss(b):
        x, y, _ = b
        logits, out = clf(x)
        # fastai's RNNRegularizer on a classifier: pred is (x, out, out), so AR and TAR both use the
        # SentenceEncoder's outputs (zero rows of not-yet-started documents included, as there).
        tar = (out[:, 1:] - out[:, :-1]).pow(2).mean() if out.size(1) > 1 else 0.0
        t = c["train"]
        return F.cross_entropy(logits, y) + t.get("clsAlpha", t["alpha"]) * out.pow(2).mean() + t.get("clsBeta", t["beta"]) * tar

    def cls_valid():
        clf.eval()
        nll, right, total = 0.0, 0, 0
        cm = np.zeros((n_class, n_class), dtype=np.int64)
        with torch.no_grad():
            for x, y, _ in cls_batches(a.dir, "valid"):
                logits, _ = clf(x)
                nll += F.cross_entropy(logits, y, reduction="sum").item()
                pred = logits.argmax(1)
                right += (pred == y).sum().item()
                total += y.numel()
                for t_, p_ in zip(y.tolist(), pred.tolist()):
                    cm[t_, p_] += 1
        tp = cm[positive, positive]
        prec = tp / cm[:, positive].sum() if cm[:, positive].sum() else 0.0
        rec = tp / cm[positive].sum() if cm[positive].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"valid_loss": round(nll / total, 5), "accuracy": round(right / total, 5), "f1": round(float(f1), 5),
                "precision": round(float(prec), 5), "recall": round(float(rec), 5), "confusion": cm.tolist()}

    stages, epoch0 = [], 0
    opt = make_opt(groups, c["train"])
    for si, st in enumerate(c["stages"]):
        first = epoch0

        def stage_epoch(e, first=first):
            return cls_batches(a.dir, "train", first + e)

        if si > 0 and c["train"].get("optPerStage"):
            opt = make_opt(groups, c["train"])  # as wordmill: each stage a fresh Adam (fastai keeps one)
        stages += fit_one_cycle(clf, opt, groups, st["epochs"], st["lr"], st.get("freezeTo", 0), stage_epoch, cls_valid, cls_loss, c, log, f"clf{si}")
        epoch0 += st["epochs"]
    summary.update({"stages": stages, "final": stages[-1] if stages else None, "wallSeconds": round(time.perf_counter() - started, 1)})
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
