/**
 * A unigram trainer worker with injected faults, for the teardown tests: the real worker's loop,
 * failing on the first E-step as WM_FAULT says — `throw` (an error sent back as data) or `crash`
 * (an uncaught exception that kills the thread).
 */
import { parentPort } from 'node:worker_threads';
import { serve } from '../../src/text/subword/train/serve.js';

// `node --test dist/test/` also runs this file on its own, on a main thread with no parent port.
if (parentPort) {
  serve(parentPort, (req) => {
    if (req.op !== 'expected') return;
    if (process.env.WM_FAULT === 'crash') setImmediate(() => { throw new Error('injected worker crash'); });
    else throw new Error('injected E-step failure');
  });
}
