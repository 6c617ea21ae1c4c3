"""The tiny pretrained-GPT-2 fixture of test/fixtures/gpt2-tiny, and the check that transformers
loads what wordmill exports.

    /work/pyvenv/bin/python bench/make_gpt2_fixture.py            # (re)writes the fixture
    /work/pyvenv/bin/python bench/make_gpt2_fixture.py --check DIR # loads wordmill's export DIR

The fixture is a randomly initialised GPT2LMHeadModel (2 blocks, 2 heads, emb 32, 64 positions,
vocabulary 1000) saved by save_pretrained as model.safetensors, the same weights as a torch.save
pytorch_model.bin (zip + pickle, what older hub checkpoints hold), and expected.json: the
transformers logits of a fixed input. Init std is raised from GPT-2's 0.02 to 0.2 and the
LayerNorms and biases are randomised too, so that a wrong mapping (a transposed Conv1D weight,
q/k/v in the wrong order, an erf GELU) moves the logits far beyond the test's 1e-4.

--check loads DIR with from_pretrained (`node dist/bench/hf_export.js DIR` writes the fixture back
through wordmill's checkpoint and export-hf path), runs the same input and prints the largest difference from
expected.json's logits as JSON (and exits 1 above 1e-4).
"""
import argparse
import json
import os
import sys

import torch
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "test", "fixtures", "gpt2-tiny")
# Two rows of 12 ids: the logits of every position are compared.
INPUT = [[0, 17, 999, 3, 500, 42, 42, 7, 123, 998, 1, 64], [5, 4, 3, 2, 1, 0, 900, 800, 700, 600, 500, 400]]


def logits_of(model):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(INPUT)).logits.float()


def make():
    torch.manual_seed(1234)
    config = GPT2Config(n_layer=2, n_head=2, n_embd=32, n_positions=64, vocab_size=1000,
                        activation_function="gelu_new", layer_norm_epsilon=1e-5,
                        bos_token_id=999, eos_token_id=999)
    model = GPT2LMHeadModel(config)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".weight") and p.dim() == 2:
                p.normal_(0.0, 0.2)
            elif "ln" in name and name.endswith(".weight"):
                p.uniform_(0.5, 1.5)
            else:
                p.normal_(0.0, 0.1)
    os.makedirs(FIXTURE, exist_ok=True)
    model.save_pretrained(FIXTURE, safe_serialization=True)
    # generation_config.json is generate()'s defaults, nothing a weight loader reads.
    os.remove(os.path.join(FIXTURE, "generation_config.json"))
    # The .bin as torch.save writes a state_dict (lm_head.weight shares wte's storage).
    torch.save(model.state_dict(), os.path.join(FIXTURE, "pytorch_model.bin"))
    out = logits_of(model)
    expected = {
        "input": INPUT,
        "shape": list(out.shape),
        "logits": [round(v, 7) for v in out.reshape(-1).tolist()],
        "made_by": f"bench/make_gpt2_fixture.py, torch {torch.__version__}, transformers {__import__('transformers').__version__}",
    }
    with open(os.path.join(FIXTURE, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print(json.dumps({"fixture": os.path.normpath(FIXTURE), "logits": expected["shape"]}))


def check(d):
    with open(os.path.join(FIXTURE, "expected.json")) as f:
        expected = json.load(f)
    model = GPT2LMHeadModel.from_pretrained(d)
    got = logits_of(model).reshape(-1)
    diff = (got - torch.tensor(expected["logits"])).abs().max().item()
    tied = model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
    print(json.dumps({"dir": d, "max_abs_diff": diff, "tied_head": tied, "transformers": __import__("transformers").__version__}))
    sys.exit(0 if diff <= 1e-4 else 1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", help="a directory wordmill export-hf wrote")
    a = ap.parse_args()
    check(a.check) if a.check else make()
