import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

/** Metric types whose samples only grow. */
const GROWING = new Set(['counter', 'histogram', 'summary']);

/** The family a sample belongs to, given the declared types: `x_bucket` of a histogram `x` is `x`. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.has(base) ? base : name;
}

/**
 * One recorded exposition, replayed: every sample of a counter, histogram or summary grows by one per scrape (bucket
 * counts, sums and counts alike, so buckets stay cumulative), gauges stay as recorded. A recording is one moment;
 * rate(), increase() and `> 0` after them need the series to move, as a live exporter's do.
 */
export class RecordedExposition {
  private scrapes = 0;
  private readonly lines: ReadonlyArray<{ text: string; grows: boolean }>;

  constructor(text: string) {
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    this.lines = text.split('\n').map((line) => {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      return { text: line, grows: name !== undefined && GROWING.has(types.get(familyOf(name, types)) ?? '') };
    });
  }

  /** The exposition as the next scrape sees it. */
  next(): string {
    const n = this.scrapes++;
    return this.lines.map(({ text, grows }) => {
      if (!grows) return text;
      const cut = text.lastIndexOf(' ');
      return `${text.slice(0, cut)} ${Number(text.slice(cut + 1)) + n}`;
    }).join('\n');
  }
}

/** An HTTP server on 127.0.0.1 replaying each `<name>.prom` of a directory at `/<name>`. */
export class ExpositionServer {
  private constructor(private readonly server: Server, readonly address: string, readonly paths: readonly string[]) {}

  static async start(dir: string): Promise<ExpositionServer> {
    const recordings = new Map(readdirSync(dir).filter((f) => f.endsWith('.prom'))
      .map((f) => [`/${basename(f, '.prom')}`, new RecordedExposition(readFileSync(join(dir, f), 'utf8'))]));
    const server = createServer((req, res) => {
      const recording = recordings.get(req.url ?? '');
      if (recording === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(recording.next());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ExpositionServer(server, `127.0.0.1:${(server.address() as AddressInfo).port}`, [...recordings.keys()]);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
