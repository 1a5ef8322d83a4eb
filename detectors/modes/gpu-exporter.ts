/**
 * The GPU exporter (port 9402): nvidia-smi readings as Prometheus metrics. nvidia-smi runs when Prometheus
 * scrapes (so values are current) and on every cycle (so /health shows whether it works); a missing or failing
 * nvidia-smi sets nvidia_smi_up to 0 and counts the error, and the exporter keeps serving.
 */
import { GpuExporterMetrics } from '../gpu/gpu-metrics.js';
import { NvidiaSmiError, queryGpus } from '../gpu/nvidia-smi.js';
import type { Logger, Mode, ModeContext } from '../runtime/mode.js';

export interface GpuExporterModeProps {
  /** Path or name of nvidia-smi (ODIN_NVIDIA_SMI). @default 'nvidia-smi' */
  readonly nvidiaSmi?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export class GpuExporterMode implements Mode<never> {
  readonly name = 'gpu-exporter';
  readonly needsPrometheus = false;
  /** Failures of nvidia-smi are counted in nvidia_smi_errors_total{reason}, not as detector errors. */
  readonly errorKinds = [] as const;
  private readonly nvidiaSmi: string;
  private readonly timeoutMs: number;
  private metrics: GpuExporterMetrics | undefined;
  private log: Logger | undefined;
  private lastFailure: string | undefined;

  constructor(props: GpuExporterModeProps = {}) {
    this.nvidiaSmi = props.nvidiaSmi ?? 'nvidia-smi';
    this.timeoutMs = props.timeoutMs ?? 5_000;
  }

  async start(ctx: ModeContext): Promise<void> {
    this.metrics = new GpuExporterMetrics(ctx.registry);
    this.log = ctx.log;
  }

  /** The exporter has no model. */
  async train(): Promise<void> {}

  async cycle(_ctx: ModeContext, signal: AbortSignal): Promise<void> {
    const failure = await this.poll(signal);
    if (failure) throw new Error(failure);
  }

  async beforeScrape(signal: AbortSignal): Promise<void> {
    await this.poll(signal);
  }

  async stop(): Promise<void> {}

  /** Reads nvidia-smi into the metrics; returns the failure message, if any (already counted and logged). */
  private async poll(signal: AbortSignal): Promise<string | undefined> {
    const metrics = this.metrics!;
    try {
      const { gpus, problems } = await queryGpus(this.nvidiaSmi, this.timeoutMs, signal);
      metrics.record(gpus);
      metrics.countParseProblems(problems.length);
      if (problems.length > 0) this.log?.warn('some nvidia-smi lines could not be read', { problems });
      if (this.lastFailure) this.log?.info('nvidia-smi works again', { gpus: gpus.length });
      this.lastFailure = undefined;
      return undefined;
    } catch (err) {
      if (signal.aborted) return undefined;
      const reason = err instanceof NvidiaSmiError ? err.reason : 'exit';
      metrics.recordFailure(reason);
      const message = (err as Error).message;
      // Log a failure once, not on every scrape: the counter keeps the rate.
      if (message !== this.lastFailure) this.log?.error('nvidia-smi query failed', { reason, error: message });
      this.lastFailure = message;
      return message;
    }
  }
}
