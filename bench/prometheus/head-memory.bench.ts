/**
 * Prometheus memory per head series, the figure Prometheus's memory request and limit are sized from
 * (lib/config.ts, `resources.prometheus`): Debian's Prometheus scrapes N synthetic series every 5 s for a while,
 * then its RSS and heap are read. Reference: the same Prometheus with no series, in the same run; the ratio is
 * (RSS - reference RSS) / N, bytes per head series. `npm run bench:prometheus-memory -- [seconds per run, default 240]`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { fileDiscovery, TestPrometheus } from '../../test/detectors/helpers/prometheus.js';

const SERIES = [0, 20_000, 40_000];
const SECONDS = Number(process.argv[2] ?? 240);

/** N series with pod-like labels, values changing at each scrape. */
async function serve(n: number): Promise<Server> {
  let scrape = 0;
  const server = createServer((_, res) => {
    scrape += 1;
    const lines = Array.from({ length: n }, (_, i) =>
      `odin_bench_${i % 20}{namespace="ns${i % 13}",pod="pod-${Math.floor(i / 20) % 500}",container="c${i % 7}",idx="${i}"} ${Math.sin(i + scrape) * 100 + scrape}`);
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function measure(n: number): Promise<{ rss: number; heap: number; head: number }> {
  const target = await serve(n);
  const prometheus = await TestPrometheus.startWithConfig((dir) => stringify({
    global: { scrape_interval: '5s' },
    scrape_configs: [
      { job_name: 'bench', static_configs: [{ targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] }] },
      { job_name: 'self', ...fileDiscovery(dir, 'self') },
    ],
  }));
  prometheus.setTargets('self', [new URL(prometheus.url).host]);
  try {
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const value = async (expr: string) => Object.values(await prometheus.values(expr, 'job'))[0];
    return { rss: await value('process_resident_memory_bytes'), heap: await value('go_memstats_heap_inuse_bytes'), head: await value('prometheus_tsdb_head_series') };
  } finally {
    await prometheus.stop();
    target.close();
  }
}

const rows: Array<{ n: number; rss: number; heap: number; head: number }> = [];
for (const n of SERIES) rows.push({ n, ...(await measure(n)) });
const reference = rows[0];
const mb = (bytes: number) => (bytes / 1e6).toFixed(0).padStart(6);
console.log(`series   head series   RSS MB   heap MB   RSS bytes/series over reference (${SECONDS} s at 5 s scrapes)`);
for (const r of rows) {
  const perSeries = r.n === 0 ? '(reference)' : ((r.rss - reference.rss) / r.n).toFixed(0);
  console.log(`${String(r.n).padStart(6)}   ${String(r.head).padStart(11)}   ${mb(r.rss)}   ${mb(r.heap)}    ${perSeries}`);
}
