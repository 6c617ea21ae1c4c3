"""GPT2TokenizerFast.from_pretrained on a `wordmill export-hf` directory encodes the shared parity
texts to the same ids as wordmill's gpt2 tokenizer (bench/gpt2_ids.ts). Not a test: needs Python.

    node dist/bench/gpt2_ids.js FILES... > /tmp/wm_ids.json
    /work/pyvenv/bin/python bench/hf_tokenizer_check.py EXPORT_DIR /tmp/wm_ids.json FILES...
"""
import json
import sys

import transformers
from transformers import GPT2LMHeadModel, GPT2TokenizerFast

out, ids_file, files = sys.argv[1], sys.argv[2], sys.argv[3:]
tok = GPT2TokenizerFast.from_pretrained(out)
model = GPT2LMHeadModel.from_pretrained(out)
docs = [json.loads(line)["text"] for f in files for line in open(f, encoding="utf-8") if line.strip()]
ours = json.load(open(ids_file))
assert len(ours) == len(docs), (len(ours), len(docs))
# A literal <|endoftext|> in a document is text to wordmill (encode_ordinary) and the special token to
# transformers; none of the parity documents has one, which the count below shows.
with_eot = sum("<|endoftext|>" in d for d in docs)
same = sum(tok(d)["input_ids"] == o for d, o in zip(docs, ours))
print(json.dumps({
    "transformers": transformers.__version__, "tokenizer": type(tok).__name__, "vocab": len(tok),
    "eos": [tok.eos_token, tok.eos_token_id], "model_max_length": tok.model_max_length,
    "model_vocab": model.config.vocab_size, "documents": len(docs), "identical": same, "with_endoftext": with_eot,
}))
sys.exit(0 if same == len(docs) else 1)
