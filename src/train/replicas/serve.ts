import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import { selectBackend } from '../backend.js';
import { Dropout } from '../dropout.js';
import { disposeState, type State } from '../model.js';
import type { Params } from '../params.js';
import { gradients } from '../step.js';
import { lmObjective } from '../tasks/lm-part.js';
import { valuesOf } from '../kernel-util.js';
import { sumInto } from './reduce.js';
import type { FromReplica, ModelLayout, Rows, ToReplica } from './protocol.js';

interface Held { layout: ModelLayout; params: Params; version: number; index: Map<string, number> }

/**
 * A replica: one single-threaded wasm backend (the cores are the replicas), the model's variables
 * (cached until the next `model` message), and the parts it is sent, one at a time.
 */
export async function serveReplica(port: MessagePort, log: (line: string) => void): Promise<void> {
  const send = (m: FromReplica, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    const info = await selectBackend('wasm', log, 1);
    send({ type: 'ready', device: info.device });
  } catch (e) {
    send({ type: 'error', id: 0, error: WordmillError.from(e, 'WM_ERR_BACKEND', 'replica backend').toJSON() });
    return;
  }
  let held: Held | undefined;
  let queue = Promise.resolve();
  port.on('message', (m: ToReplica) => {
    queue = queue.then(async () => {
      if (m.type === 'model') { held = hold(held, m.layout); return; }
      try {
        if (m.type === 'reduce') {
          sumInto(m.grads.map((b) => new Float32Array(b)), m.from, m.to);
          send({ type: 'reduced', id: m.id });
          return;
        }
        if (!held || held.layout.key !== m.key) throw new WordmillError('WM_ERR_WORKER', `replica was sent a part of model ${m.key} before its layout`);
        const r = await runPart(held, m);
        send(r, r.state.flat().map((s) => s.data.buffer as ArrayBuffer));
      } catch (e) {
        send({ type: 'error', id: m.id, error: WordmillError.from(e, 'WM_ERR_TRAIN', 'replica step').toJSON() });
      }
    });
  });
}

function hold(old: Held | undefined, layout: ModelLayout): Held {
  if (old) for (const v of old.params.values()) v.dispose();
  const params: Params = new Map();
  layout.names.forEach((n, i) => params.set(n, tf.variable(tf.zeros(layout.shapes[i]), true, `${n}_replica_${Math.random().toString(36).slice(2)}`)));
  return { layout, params, version: -1, index: new Map(layout.names.map((n, i) => [n, i])) };
}

async function runPart(h: Held, m: Extract<ToReplica, { type: 'part' }>): Promise<Extract<FromReplica, { type: 'done' }>> {
  if (h.version !== m.version) {
    const all = new Float32Array(h.layout.weights);
    // A new tensor per weight, never a write into the old one's memory: XNNPACK caches packed
    // weights by tensor, and would go on multiplying by the previous step's. wasm copies the view
    // into its heap on creation, so the buffer can be rewritten next step.
    h.layout.names.forEach((n, i) => {
      const size = h.layout.shapes[i].reduce((a, b) => a * b, 1);
      tf.tidy(() => h.params.get(n)!.assign(tf.tensor(all.subarray(h.layout.offsets[i], h.layout.offsets[i] + size), h.layout.shapes[i])));
    });
    h.version = m.version;
  }
  const state: State = m.state.map((l) => l.map((s) => tf.tensor2d(s.data, s.shape)));
  let next: State = [];
  const r = gradients(h.params, { trainable: m.trainable }, () => {
    const o = lmObjective(h.layout.config, h.params, m.part, state, Dropout.from(m.drop), m.chunkRows);
    next = o.next;
    return o;
  });
  disposeState(state);
  const out = new Float32Array(m.grads);
  const names: string[] = [];
  for (const [k, t] of Object.entries(r.grads)) {
    out.set(valuesOf(t), h.layout.offsets[h.index.get(k)!]);
    names.push(k);
    t.dispose();
  }
  const loss = (await r.loss.data())[0];
  r.loss.dispose();
  const rows: Rows[][] = [];
  for (const l of next) rows.push(await Promise.all(l.map(async (t) => ({ data: await t.data() as Float32Array, shape: t.shape as [number, number] }))));
  disposeState(next);
  return { type: 'done', id: m.id, loss, names, state: rows };
}
