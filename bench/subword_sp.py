"""sentencepiece's side of `npm run bench -- subword`: trains on DIR/train.txt with fastai's options
(identity normalization, as wordmill trains), encodes DIR/valid.jsonl with its model and with
wordmill's (DIR/wordmill.model), and times training and one-thread encoding (of the valid split, and of DIR/train.jsonl's documents),
best of REPS runs (argv[5], default 3)."""
import json
import sys
import time

import sentencepiece as spm

SPECIALS = ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj']


def best_encode_cpu(sp, docs, reps):
    """The best CPU time of `reps` passes encoding every document."""
    best = float('inf')
    for _ in range(reps):
        c0 = time.process_time()
        for d in docs:
            sp.encode(d)
        best = min(best, time.process_time() - c0)
    return best


def main() -> None:
    out, vocab, model_type, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    c0, w0 = time.process_time(), time.perf_counter()
    spm.SentencePieceTrainer.Train(
        input=f'{out}/train.txt', model_prefix=f'{out}/sp', vocab_size=vocab, model_type=model_type,
        character_coverage=0.99999, unk_id=len(SPECIALS), pad_id=-1, bos_id=-1, eos_id=-1, minloglevel=2,
        user_defined_symbols=['\u2581' + s for s in SPECIALS], hard_vocab_limit=False,
        normalization_rule_name='identity', num_threads=threads)
    # process_time covers every thread of this process.
    train_cpu, train_wall = time.process_time() - c0, time.perf_counter() - w0
    docs = [json.loads(line)['text'] for line in open(f'{out}/valid.jsonl', encoding='utf-8')]
    sp = spm.SentencePieceProcessor(model_file=f'{out}/sp.model', num_threads=1)
    ids = [sp.encode(d) for d in docs]
    best = best_encode_cpu(sp, docs, reps)
    # The train split's documents, as the pool measurement on the wordmill side tokenizes them.
    train_docs = [json.loads(line)['text'] for line in open(f'{out}/train.jsonl', encoding='utf-8')]
    # To a file, read only after the timings: in the output it was 1.4M more numbers in the timing process's heap.
    with open(f'{out}/sp_train_ids.json', 'w', encoding='utf-8') as f:
        json.dump([sp.encode(d) for d in train_docs], f)
    train_best = best_encode_cpu(sp, train_docs, reps)
    ours = spm.SentencePieceProcessor(model_file=f'{out}/wordmill.model')
    ours_ids = [ours.encode(d) for d in docs]
    print(json.dumps({'train_cpu': train_cpu, 'train_wall': train_wall, 'encode_cpu': best, 'train_encode_cpu': train_best, 'valid_ids': ids,
                      'valid_pieces_own': sum(len(x) for x in ids), 'ours_model_ids': ours_ids}))


if __name__ == '__main__':
    main()
