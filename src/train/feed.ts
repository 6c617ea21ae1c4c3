import type { Batch } from '../types.js';
import { WordmillError } from '../errors.js';
import { CREDIT_WINDOW, type StreamKind, type ToChild, type ToParent } from './protocol.js';

/**
 * The trainer's side of credit-based flow control: a stream keeps `window` batches requested
 * ahead of use, and grants one more credit each time it consumes one. The parent only sends
 * against credit, so at most `window` batches are ever in flight and the trainer rarely waits.
 */
export class Feed {
  private nextSid = 1;
  private streams = new Map<number, Stream>();
  waitMs = 0;
  constructor(private readonly send: (m: ToParent) => void, readonly window = CREDIT_WINDOW) {}

  open(stream: StreamKind, epoch: number, startBatch: number): Stream {
    const sid = this.nextSid++;
    const s = new Stream(sid, this, this.send);
    this.streams.set(sid, s);
    this.send({ type: 'open', sid, stream, epoch, startBatch });
    this.send({ type: 'credit', sid, n: this.window, consumed: 0 });
    return s;
  }

  closed(sid: number): void { this.streams.delete(sid); }

  deliver(m: ToChild): void {
    if (m.type !== 'batch' && m.type !== 'end' && m.type !== 'fail') return;
    this.streams.get(m.sid)?.deliver(m);
  }
}

export class Stream {
  private queue: (Batch | null)[] = [];
  private waiter: (() => void) | undefined;
  private error: WordmillError | undefined;
  private consumed = 0;
  private ended = false;
  constructor(readonly sid: number, private readonly feed: Feed, private readonly send: (m: ToParent) => void) {}

  deliver(m: ToChild): void {
    if (m.type === 'batch') this.queue.push(m.batch);
    else if (m.type === 'end') this.queue.push(null);
    else if (m.type === 'fail') this.error = WordmillError.fromJSON(m.error, 'WM_ERR_TRAIN');
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next batch, or undefined at the end of the stream. */
  async next(): Promise<Batch | undefined> {
    if (this.ended) return undefined;
    // Training steps are synchronous; without yielding here, batches the parent already sent would
    // sit unread in the pipe until the queue ran dry, and every `window`-th step would wait.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.queue.length === 0 && !this.error) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => { this.waiter = resolve; });
      this.feed.waitMs += performance.now() - t0;
    }
    if (this.error) throw this.error;
    const b = this.queue.shift()!;
    if (b === null) {
      this.ended = true;
      this.close();
      return undefined;
    }
    this.consumed++;
    this.send({ type: 'credit', sid: this.sid, n: 1, consumed: this.consumed });
    return b;
  }

  close(): void {
    this.feed.closed(this.sid);
    if (!this.ended) this.send({ type: 'close', sid: this.sid });
    this.ended = true;
  }
}
