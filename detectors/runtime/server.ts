/** The HTTP endpoints every mode serves: /metrics, /healthz (liveness), /ready (readiness), /health (JSON). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthReport } from './health.js';
import type { Logger } from './mode.js';

/** What the server asks the runtime on each request. */
export interface ServerHooks {
  readonly registry: Registry;
  readonly log: Logger;
  alive(): boolean;
  ready(): boolean;
  health(): HealthReport;
  /** Runs before /metrics renders (exporters read their source here). */
  beforeScrape?(): Promise<void>;
}

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(host: string, port: number, hooks: ServerHooks): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handle(req, res, hooks).catch((err: unknown) => {
      hooks.log.error('request failed', { path: req.url, error: err });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  await listen(server, host, port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () => close(server),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, hooks: ServerHooks): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  switch (path) {
    case '/metrics':
      await hooks.beforeScrape?.();
      return send(res, 200, hooks.registry.contentType, await hooks.registry.metrics());
    case '/healthz':
      return hooks.alive() ? send(res, 200, 'text/plain', 'ok\n') : send(res, 503, 'text/plain', 'detection loop stalled or stopping\n');
    case '/ready':
      return hooks.ready() ? send(res, 200, 'text/plain', 'ready\n') : send(res, 503, 'text/plain', 'not ready\n');
    case '/health': {
      const report = hooks.health();
      return send(res, report.healthy ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
    }
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (Prometheus keeps one open) would hold close() open past the shutdown deadline.
    server.closeAllConnections();
  });
}
