import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpPrometheusClient, MAX_POINTS_PER_SERIES, PrometheusError, rangeChunks } from '../../../detectors/runtime/prometheus-client.js';
import { REFUSED_PORT, TestPrometheus } from '../helpers/prometheus.js';

describe('rangeChunks', () => {
  test('never asks for more than 11,000 points and covers the range without gaps or overlaps', () => {
    const start = 1_700_000_000;
    const end = start + 7 * 86_400;
    const chunks = rangeChunks(start, end, 15);
    expect(chunks).toHaveLength(4);
    expect(chunks[0][0]).toBe(start);
    expect(chunks.at(-1)![1]).toBe(end);
    for (const [from, to] of chunks) expect((to - from) / 15 + 1).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i][0]).toBe(chunks[i - 1][1] + 15);
    expect(() => rangeChunks(10, 5, 1)).toThrow(/before its start/);
  });
});

describe('HttpPrometheusClient against a real Prometheus', () => {
  let prometheus: TestPrometheus;
  beforeAll(async () => {
    prometheus = await TestPrometheus.start([]);
  });
  afterAll(async () => prometheus?.stop());

  test('answers instant queries and stitches a range query of more than 11,000 points', async () => {
    const client = new HttpPrometheusClient({ url: prometheus.url });
    const [instant] = await client.query('vector(42)');
    expect(instant.points[0][1]).toBe(42);
    const end = Math.floor(Date.now() / 1000);
    // 150 s at a 10 ms step is 15,001 points per series: Prometheus would refuse it in one request.
    const [series] = await client.queryRange('time()', end - 150, end, 0.01);
    expect(series.points).toHaveLength(15_001);
    for (let i = 1; i < series.points.length; i++) expect(series.points[i][0]).toBeGreaterThan(series.points[i - 1][0]);
    expect(series.points.at(-1)![1]).toBe(end);
    expect(client.reachable).toBe(true);
  });

  test('turns a refused query into a query error', async () => {
    const errors: string[] = [];
    const client = new HttpPrometheusClient({ url: prometheus.url, onError: (e) => errors.push(e.kind) });
    await expect(client.query('sum(')).rejects.toMatchObject({ kind: 'query' });
    expect(errors).toEqual(['query']);
    expect(client.reachable).toBe(true);
  });
});

describe('HttpPrometheusClient against bad answers', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const routes: Record<string, () => void> = {
        '/garbage/api/v1/query': () => res.end('<html>proxy error</html>'),
        '/500/api/v1/query': () => res.writeHead(502).end('bad gateway'),
        '/shape/api/v1/query': () => res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'many'] }] } })),
        '/slow/api/v1/query': () => setTimeout(() => res.end('{}'), 2000),
        '/null/api/v1/query': () => res.end('null'),
        '/inherited/api/v1/query': () => res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'constructor'] }] } })),
      };
      (routes[req.url ?? ''] ?? (() => res.writeHead(404).end()))();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test.each([
    ['garbage', 'invalid_response', /non-JSON/],
    ['500', 'http', /HTTP 502/],
    ['shape', 'invalid_response', /"many" is not a number/],
    ['slow', 'timeout', /did not answer within 300 ms/],
    ['null', 'invalid_response', /no status "success"/],
    ['inherited', 'invalid_response', /"constructor" is not a number/],
  ])('%s answers become a counted %s error', async (path, kind, message) => {
    const counted: string[] = [];
    const client = new HttpPrometheusClient({ url: `${url}/${path}`, timeoutMs: 300, onError: (e) => counted.push(e.kind) });
    const failure = client.query('up');
    await expect(failure).rejects.toBeInstanceOf(PrometheusError);
    await expect(failure).rejects.toMatchObject({ kind, message: expect.stringMatching(message) });
    expect(counted).toEqual([kind]);
  });

  test('a closed port is unreachable, and ping says so without throwing', async () => {
    const client = new HttpPrometheusClient({ url: `http://127.0.0.1:${REFUSED_PORT}` });
    await expect(client.query('up')).rejects.toMatchObject({ kind: 'unreachable' });
    expect(await client.ping()).toBe(false);
    expect(client.reachable).toBe(false);
  });
});
