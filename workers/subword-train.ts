/** A unigram trainer worker thread: its share of the words' lattices, scored each EM step (src/text/subword/train/protocol.ts). */
import { parentPort } from 'node:worker_threads';
import { serve } from '../src/text/subword/train/serve.js';

serve(parentPort!);
