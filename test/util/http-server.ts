import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

/** One injected fault, used by exactly one request (in order), then the route serves normally. */
export type Fault =
  | { status: number; retryAfter?: string } // answer with this status and no body
  | { cutAfter: number } // send this many body bytes, then destroy the socket
  | { stallAfter: number }; // send this many body bytes, then nothing (the client must time out)

export interface Route {
  body?: Buffer;
  etag?: string;
  lastModified?: string;
  /** Answer 200 with the whole body even to a Range request. */
  ignoreRange?: boolean;
  redirect?: string;
  faults?: Fault[];
  /** Every response stops at this offset of the file and the socket is destroyed (a proxy with a size cap). */
  cutAt?: number;
  /** Every response sends at most this many bytes, then the socket is destroyed (each cut further on). */
  cutEach?: number;
  /** Content-Length (and a range's total) claims this many bytes more than the body has. */
  declareExtra?: number;
}

export interface Hit { path: string; range?: string; ifRange?: string; proxied: boolean; status: number }

/** A real HTTP server on 127.0.0.1 (random port) that serves test bytes and injects faults. */
export class TestServer {
  readonly hits: Hit[] = [];
  private routes = new Map<string, Route>();
  private sockets = new Set<Socket>();
  private server = http.createServer((req, res) => this.handle(req, res));
  port = 0;
  inFlight = 0;
  maxInFlight = 0;

  static async start(): Promise<TestServer> {
    const s = new TestServer();
    s.server.on('connection', (sock) => {
      s.sockets.add(sock);
      sock.on('close', () => s.sockets.delete(sock));
    });
    // A CONNECT tunnel back to this same server: enough to prove requests went through a proxy.
    s.server.on('connect', (req: http.IncomingMessage, client: Socket) => {
      s.hits.push({ path: req.url ?? '', proxied: true, status: 200 });
      const upstream = net.connect(s.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  url(p: string): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  route(p: string, r: Route): string {
    this.routes.set(p, { ...r, faults: [...(r.faults ?? [])] });
    return this.url(p);
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Waits (bounded) for clients to close their sockets; returns how many are still open. */
  async settle(maxMs = 3000): Promise<number> {
    for (let waited = 0; this.sockets.size > 0 && waited < maxMs; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const proxied = /^https?:\/\//.test(req.url ?? '');
    const p = proxied ? new URL(req.url!).pathname : (req.url ?? '/');
    const hit: Hit = { path: p, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, proxied, status: 200 };
    this.hits.push(hit);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const route = this.routes.get(p);
    const reply = (status: number, headers: http.OutgoingHttpHeaders = {}): void => {
      hit.status = status;
      res.writeHead(status, headers);
    };
    if (!route) return void (reply(404), res.end());
    if (route.redirect) return void (reply(302, { location: route.redirect }), res.end());
    const fault = route.faults!.shift();
    if (fault && 'status' in fault) {
      reply(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      return void res.end();
    }
    const body = route.body ?? Buffer.alloc(0);
    const validators: http.OutgoingHttpHeaders = {};
    if (route.etag) validators.etag = route.etag;
    if (route.lastModified) validators['last-modified'] = route.lastModified;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const valid = !ifRange || ifRange === route.etag || ifRange === route.lastModified;
    const extra = route.declareExtra ?? 0;
    const size = body.length + extra;
    if (m && !route.ignoreRange && valid && Number(m[1]) < size) {
      start = Number(m[1]);
      reply(206, { ...validators, 'content-length': size - start, 'content-range': `bytes ${start}-${size - 1}/${size}` });
    } else {
      reply(200, { ...validators, 'content-length': size });
    }
    let rest = body.subarray(start);
    let cut = extra > 0 || route.cutAt !== undefined || route.cutEach !== undefined;
    if (route.cutAt !== undefined) rest = rest.subarray(0, Math.max(0, route.cutAt - start));
    if (route.cutEach !== undefined) rest = rest.subarray(0, route.cutEach);
    if (fault && 'cutAfter' in fault) {
      rest = rest.subarray(0, fault.cutAfter);
      cut = true;
    }
    if (cut) {
      // The pause lets the client read what was sent before the cut: a body destroyed on error drops
      // what its reader had not taken yet (the resume then starts earlier, still correct).
      res.write(rest, () => setTimeout(() => res.socket?.destroy(), 100));
    } else if (fault && 'stallAfter' in fault) {
      res.write(rest.subarray(0, fault.stallAfter));
    } else {
      res.end(rest);
    }
  }
}
