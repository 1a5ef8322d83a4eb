import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, test } from 'vitest';
import { GpuExporterMode } from '../../../detectors/modes/gpu-exporter.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import type { ModeContext } from '../../../detectors/runtime/mode.js';
import { lineInQueryOrder, sampleQuery } from '../helpers/nvidia-smi-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'odin-gpu-exporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script standing in for nvidia-smi. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function started(nvidiaSmi: string): Promise<{ mode: GpuExporterMode; registry: Registry; logs: string[] }> {
  const registry = new Registry();
  const logs: string[] = [];
  const log = createLogger({ sink: { write: (line: string) => logs.push(line) } });
  const mode = new GpuExporterMode({ nvidiaSmi, timeoutMs: 1000 });
  await mode.start({ registry, log } as Pick<ModeContext, 'registry' | 'log'> as ModeContext);
  return { mode, registry, logs };
}

describe('GpuExporterMode', () => {
  const { header, values } = sampleQuery();

  test('exports the real H100 reading with gpu, uuid and name labels in base units', async () => {
    const twoGpus = [lineInQueryOrder(header, values), lineInQueryOrder(header, values, { index: '1', uuid: 'GPU-second', 'temperature.gpu': '88' })];
    const nvidiaSmi = script('nvidia-smi-ok', `cat <<'EOF'\n${twoGpus.join('\n')}\nEOF`);
    const { mode, registry } = await started(nvidiaSmi);
    await mode.cycle({} as ModeContext, new AbortController().signal);
    const text = await registry.metrics();
    const labels = 'gpu="0",uuid="GPU-43a7f799-2500-c36a-0b00-3ac474b70b28",name="NVIDIA H100 80GB HBM3"';
    expect(text).toContain(`nvidia_gpu_temperature_celsius{${labels}} 36`);
    expect(text).toContain(`nvidia_gpu_power_draw_watts{${labels}} 72.65`);
    expect(text).toContain(`nvidia_gpu_utilization_gpu{${labels}} 0`);
    expect(text).toContain(`nvidia_gpu_memory_total_bytes{${labels}} ${81559 * 1024 * 1024}`);
    expect(text).toContain(`nvidia_gpu_clock_sm_hertz{${labels}} 345000000`);
    expect(text).toContain(`nvidia_gpu_memory_temperature_celsius{${labels}} 39`);
    expect(text).toContain(`nvidia_gpu_power_limit_watts{${labels}} 700`);
    expect(text).toContain(`nvidia_gpu_clocks_event_reason_active{${labels},reason="hw_thermal_slowdown"} 0`);
    expect(text).toContain('nvidia_gpu_temperature_celsius{gpu="1",uuid="GPU-second",name="NVIDIA H100 80GB HBM3"} 88');
    expect(text).not.toContain('nvidia_gpu_fan_speed_ratio{');
    expect(text).toContain('nvidia_smi_up 1');
  });

  test('a missing nvidia-smi sets up to 0, counts the error and does not throw past the cycle', async () => {
    const { mode, registry, logs } = await started(join(dir, 'does-not-exist'));
    await expect(mode.cycle({} as ModeContext, new AbortController().signal)).rejects.toThrow(/cannot be run: ENOENT/);
    await mode.beforeScrape(new AbortController().signal);
    const text = await registry.metrics();
    expect(text).toContain('nvidia_smi_up 0');
    expect(text).toContain('nvidia_smi_errors_total{reason="not_found"} 2');
    expect(logs.filter((l) => l.includes('nvidia-smi query failed'))).toHaveLength(1);
  });

  test('a failing nvidia-smi, garbage output and a hang are each counted by reason', async () => {
    const failing = await started(script('nvidia-smi-fail', "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9"));
    await expect(failing.mode.cycle({} as ModeContext, new AbortController().signal)).rejects.toThrow(/exited with 9: NVIDIA-SMI has failed/);
    expect(await failing.registry.metrics()).toContain('nvidia_smi_errors_total{reason="exit"} 1');

    const garbage = await started(script('nvidia-smi-garbage', 'echo "No devices were found"'));
    await expect(garbage.mode.cycle({} as ModeContext, new AbortController().signal)).rejects.toThrow(/no readable GPU line/);
    expect(await garbage.registry.metrics()).toContain('nvidia_smi_errors_total{reason="parse"} 1');

    const hanging = await started(script('nvidia-smi-hang', 'exec sleep 5'));
    await expect(hanging.mode.cycle({} as ModeContext, new AbortController().signal)).rejects.toThrow(/did not finish within 1000 ms/);
    expect(await hanging.registry.metrics()).toContain('nvidia_smi_errors_total{reason="timeout"} 1');
  });
});
