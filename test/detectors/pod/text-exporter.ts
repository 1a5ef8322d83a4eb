import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node HTTP server on 127.0.0.1 serving Prometheus text exposition that the test writes, fresh on every scrape. */
export class TextExporter {
  private readonly server: Server;

  constructor(exposition: () => string) {
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition());
    });
  }

  /** Listens on a free port and returns `127.0.0.1:<port>`, the scrape target. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
