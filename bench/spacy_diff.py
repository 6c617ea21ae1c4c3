"""Random differential corpus for the spaCy-compatible tokenizer (never needed by tests).

Writes JSON lines {mode, text, tokens, explain} from real spaCy (`spacy.blank('en')`), for random texts
built from fragments that exercise special cases, affixes, infixes, URLs and whitespace; mode "custom"
adds CUSTOM special cases first (multi-word ones included). bench/spacy-diff.ts compares wordmill.
Usage: python bench/spacy_diff.py N SEED > cases.jsonl   (needs spaCy 3.x in that Python)
"""
import json
import random
import sys

import spacy

FRAGMENTS = [
    "a", "x", "The", "schools", "students", "Hello", "World", "cd", "b", "c", "New", "York", "e.g.", "Calif.",
    "U.S.", "can't", "don't", "I'm", "it's", "xxbos", "xxmaj", "'", "''", "'''", '"', "``", ":", ")", "(", ":)",
    ";)", ":-)", "(:", "8)", "<3", "^_^", "-_-", ".", "..", "...", ",", "-", "--", "!", "?", "°C.", "5", "10km",
    "$5", "…", "http://x.org", "www.example.com/a?b", "a@b.co", "'s", "n't", "(-:", "=)", ":(", ":/", "o.O",
    "ß", "é", "Ünï", "日本", "\u00a0", "C++", "a.", "p.m.", "Mr.", "'em", "y'all", "ain't", "o'clock", "x-y",
    "wasn't", ":))", "(^_^)", "]", "[", "{", "}", "/", "\\", ";", "*", "&", "%", "#", "@",
]
SEPARATORS = ["", "", "", " ", " ", " ", " ", "  ", "\n", "\t", " \n", "\n\n", "   "]
CUSTOM = {
    "a b c": ["a b c"], "New York": ["New", " ", "York"], "x-y": ["x-y"], "...": [".", ".", "."],
    "a  b": ["a  b"], "a\nb": ["a", "\n", "b"], "(x)": ["(x)"], ":):)": [":)", ":)"], "b c": ["b c"],
    "Hello World": ["Hello World"], "'' ''": ["''", " ", "''"], "cd.": ["cd", "."], "xxbos": ["xxbos"],
}


def text(rng):
    n = rng.randint(1, 12)
    return "".join(rng.choice(FRAGMENTS) + rng.choice(SEPARATORS) for _ in range(n))


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    plain = spacy.blank("en").tokenizer
    custom = spacy.blank("en").tokenizer
    for k, v in CUSTOM.items():
        custom.add_special_case(k, [{"ORTH": p} for p in v])
    for i in range(count):
        mode = "custom" if i % 3 == 2 else "plain"
        tok = custom if mode == "custom" else plain
        t = text(rng)
        out = {"mode": mode, "text": t, "tokens": [x.text for x in tok(t)], "explain": [list(e) for e in tok.explain(t)]}
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
