import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '../../fixtures/k8s');

/** A fixture file of test/fixtures/k8s (hand-assembled API responses, see its README), as text. */
export function k8sFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/**
 * What the replay server answers on one API path: the n-th list request gets `lists[n]` (the last one repeats),
 * the n-th watch request gets the lines of `watches[n]` and then the stream closes; once the replayed watch
 * streams are spent, a watch stays open without events, as an idle API server's does.
 */
export interface ReplayedResource {
  readonly lists: readonly string[];
  readonly watches: readonly string[];
}

/** One request the replay server received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly watch: boolean;
  readonly resourceVersion: string | null;
  readonly fieldSelector: string | null;
}

/** A small HTTP server on 127.0.0.1 that replays hand-assembled Kubernetes API responses, for the real client to talk to. */
export class KubeApiReplay {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly served = new Map<string, { lists: number; watches: number }>();

  constructor(private readonly resources: Readonly<Record<string, ReplayedResource>>) {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  /** Listens on `port` (0: any free port) and returns the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Writes a kubeconfig file pointing at this server and returns its path (the client refuses plain http without skip-verify). */
  writeKubeconfig(dir: string, port: number): string {
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, [
      'apiVersion: v1', 'kind: Config', 'current-context: replay',
      'clusters:', '- name: replay', '  cluster:', `    server: http://127.0.0.1:${port}`, '    insecure-skip-tls-verify: true',
      'users:', '- name: reader', '  user:', '    token: replay-token',
      'contexts:', '- name: replay', '  context:', '    cluster: replay', '    user: reader',
    ].join('\n'));
    return path;
  }

  watchesOf(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path && r.watch);
  }

  listsOf(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path && !r.watch);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push({
      path: url.pathname, watch,
      resourceVersion: url.searchParams.get('resourceVersion'), fieldSelector: url.searchParams.get('fieldSelector'),
    });
    const resource = this.resources[url.pathname];
    if (resource === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","status":"Failure","code":404}');
      return;
    }
    const counts = this.served.get(url.pathname) ?? { lists: 0, watches: 0 };
    this.served.set(url.pathname, counts);
    if (!watch) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(resource.lists[Math.min(counts.lists++, resource.lists.length - 1)]);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const stream = resource.watches[counts.watches++];
    if (stream !== undefined) res.end(stream);
    else res.write('');
  }
}
