import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTarGz, type TarMember } from './archives.js';

export interface Published { name: string; version: string; tarball: string; integrity: string; size: number }

/**
 * A tiny npm registry on 127.0.0.1: packuments and tarballs built in the test, so that both
 * `npm install <pkg>` and wordmill's `npm:` sources resolve without the internet. It answers the two
 * requests those clients make: GET /<name> (a scoped name arrives as `@scope%2fname`) and the
 * tarball URL the packument names. Anything else is a 404, and every request is recorded.
 */
export class NpmRegistry {
  readonly hits: string[] = [];
  private readonly packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  private readonly tarballs = new Map<string, Buffer>();
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<NpmRegistry> {
    const server = http.createServer();
    const reg = new NpmRegistry(server);
    server.on('request', (req, res) => reg.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return reg;
  }

  /** The registry URL, with the trailing slash npm and wordmill both expect. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /**
   * Publishes `name@version` from its files (paths relative to the package root; npm's tarballs put
   * them under `package/`). `manifest` is the package.json, written into the tarball too.
   */
  async publish(manifest: { name: string; version: string } & Record<string, unknown>, files: TarMember[]): Promise<Published> {
    const { name, version } = manifest;
    const bytes = await buildTarGz([
      { name: 'package/package.json', body: JSON.stringify(manifest, null, 2) },
      ...files.map((f) => ({ ...f, name: `package/${f.name}` })),
    ]);
    const base = name.split('/').pop()!;
    const tarPath = `/${name}/-/${base}-${version}.tgz`;
    this.tarballs.set(tarPath, bytes);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    const shasum = createHash('sha1').update(bytes).digest('hex');
    const doc = this.packuments.get(name) ?? { name, 'dist-tags': {}, versions: {} };
    doc.versions[version] = { ...manifest, _id: `${name}@${version}`, dist: { tarball: `${this.url.slice(0, -1)}${tarPath}`, integrity, shasum } };
    doc['dist-tags'].latest = version;
    this.packuments.set(name, doc);
    return { name, version, tarball: tarPath, integrity, size: bytes.length };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    this.hits.push(p);
    const tar = this.tarballs.get(p);
    if (tar) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tar.length });
      res.end(tar);
      return;
    }
    const doc = this.packuments.get(p.slice(1));
    if (doc) {
      const body = JSON.stringify(doc);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  }
}
