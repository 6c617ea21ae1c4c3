/**
 * A trainer replica (src/train/replicas/): a worker thread of the trainer process with its own
 * single-threaded wasm backend, computing the gradients of the batch parts it is sent.
 */
import { parentPort } from 'node:worker_threads';
import { serveReplica } from '../src/train/replicas/serve.js';

if (parentPort) void serveReplica(parentPort, (line) => process.stderr.write(`replica: ${line}\n`));
