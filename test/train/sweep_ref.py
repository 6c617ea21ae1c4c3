"""Prints the learning rates fastai's LRFinder trains at (fastai/callback/schedule.py): before each
batch it sets SchedExp(start_lr, end_lr) at pos = train_iter / num_it, train_iter counting from 0,
and stops after num_it batches. test/train/sweep.test.ts holds these numbers; the tests need no Python."""
import json


def sched_exp(start, end, pos):
    return start * (end / start) ** pos


for start, end, num_it in [(1e-7, 10, 100), (1e-5, 10, 40), (1e-7, 10, 6), (1e-3, 1e-1, 7)]:
    lrs = [sched_exp(start, end, it / num_it) for it in range(num_it)]
    print(json.dumps({"start": start, "end": end, "numIt": num_it, "lrs": [float(f"{x:.15g}") for x in lrs]}))
