/**
 * A tokenize worker with injectable faults, for the pool's failure tests: it behaves like the real
 * worker (whitespace tokens) unless a document contains a fault marker.
 */
import { tokenizeChunk } from '../../workers/tokenize.js';
import { WordmillError } from '../../src/errors.js';
import type { ChunkTask } from '../../src/pool/protocol.js';

const dict = new Map<string, number>();

const split = (text: string): string[] => {
  if (text.includes('@@throw@@')) throw new Error('injected tokenizer failure');
  if (text.includes('@@wmerror@@')) throw new WordmillError('WM_ERR_INPUT', 'injected input error', { member: 'm.txt', offset: 7 });
  return text.split(' ').filter((t) => t !== '');
};

export default async function run(task: ChunkTask): Promise<unknown> {
  const all = task.texts.join('\n');
  if (all.includes('@@exit@@')) process.exit(3);
  if (all.includes('@@oom@@')) {
    const hog: number[][] = [];
    for (;;) hog.push(new Array(1_000_000).fill(hog.length));
  }
  const m = /@@sleep(\d+)@@/.exec(all);
  if (m) await new Promise((r) => setTimeout(r, Number(m[1])));
  return tokenizeChunk(task, split, dict);
}
