"""Dumps, for the Python running it, the Unicode facts fastai's rules depend on: `re`'s `\\w` and `\\s`
for str patterns and `str.lower()` per code point (surrogates skipped), with the cased / case-ignorable
properties its final-sigma rule reads. Runs on Python 3.6+.
Used by generate.sh, which runs it under each supported Python and writes tables.ts.
"""
import json
import re
import sys
import unicodedata

WORD = re.compile(r"\w")
SPACE = re.compile(r"\s")


def ranges(pred):
    out, start = [], None
    for cp in range(0x110000):
        ok = not (0xD800 <= cp <= 0xDFFF) and pred(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append([start, cp - 1])
            start = None
    if start is not None:
        out.append([start, 0x10FFFF])
    return out


def lower_runs():
    """(cp, count, stride, delta) runs of one-code-point lowercasings, and [cp, text] for the others."""
    singles, multi = [], []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = chr(cp).lower()
        if low == chr(cp):
            continue
        if len(low) == 1:
            singles.append((cp, ord(low) - cp))
        else:
            multi.append([cp, [ord(c) for c in low]])
    runs = []
    i = 0
    while i < len(singles):
        cp, delta = singles[i]
        count, stride = 1, 1
        if i + 1 < len(singles) and singles[i + 1][1] == delta and singles[i + 1][0] - cp in (1, 2):
            stride = singles[i + 1][0] - cp
            while i + count < len(singles) and singles[i + count][1] == delta and singles[i + count][0] == cp + count * stride:
                count += 1
        runs.append([cp, count, stride, delta])
        i += count
    return runs, multi


def final_sigma(c, before):
    return (before + c + "\u03a3").lower().endswith("\u03c2")


runs, multi = lower_runs()
# str.lower()'s final-sigma test reads _PyUnicode_IsCased / _PyUnicode_IsCaseIgnorable, probed here:
# a cased, not case-ignorable c makes "cΣ" end in ς; a case-ignorable c passes "AcΣ" through to A.
cased = ranges(lambda c: final_sigma(c, ""))
ignorable = ranges(lambda c: not final_sigma(c, "") and final_sigma(c, "A"))
print(json.dumps({
    "python": "%d.%d.%d" % sys.version_info[:3],
    "unicode": unicodedata.unidata_version,
    "word": ranges(lambda c: WORD.match(c) is not None),
    "space": ranges(lambda c: SPACE.match(c) is not None),
    "lower": runs,
    "lowerMulti": multi,
    "cased": cased,
    "ignorable": ignorable,
}))
