/** What a test reads from a running detector over HTTP: its /metrics, /health and /ready, as Prometheus and the kubelet do. */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of GET /metrics (Prometheus text format; our label values hold no escaped quotes). */
export async function scrape(port: number): Promise<Sample[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').flatMap((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) return [];
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    return [{ name: m[1], labels, value: parseValue(m[3]) }];
  });
}

/** The value of the first sample of `name` whose labels include `labels`. */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return (await samplesOf(port, name, labels))[0]?.value;
}

export async function samplesOf(port: number, name: string, labels: Record<string, string> = {}): Promise<Sample[]> {
  return (await scrape(port)).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** GET /health, parsed. */
export async function health(port: number): Promise<Record<string, unknown> & { kubernetes: Record<string, unknown>; prometheus: Record<string, unknown> }> {
  return (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown> & { kubernetes: Record<string, unknown>; prometheus: Record<string, unknown> };
}

/** Whether GET /ready answers 200. */
export async function isReady(port: number): Promise<boolean> {
  return (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
