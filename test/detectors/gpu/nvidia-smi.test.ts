import { describe, expect, test } from 'vitest';
import { parseQueryOutput, QUERY_FIELDS } from '../../../detectors/gpu/nvidia-smi.js';
import { lineInQueryOrder, sampleQuery } from '../helpers/nvidia-smi-fixture.js';

describe('parseQueryOutput on real H100 output', () => {
  const { header, values } = sampleQuery();

  test('reads the fixture line: numbers, identity, [N/A] fan, clocks-event reasons', () => {
    const { gpus, problems } = parseQueryOutput(`${lineInQueryOrder(header, values)}\n`);
    expect(problems).toEqual([]);
    expect(gpus).toHaveLength(1);
    const gpu = gpus[0];
    expect(gpu.index).toBe('0');
    expect(gpu.name).toBe('NVIDIA H100 80GB HBM3');
    expect(gpu.uuid).toBe('GPU-43a7f799-2500-c36a-0b00-3ac474b70b28');
    expect(gpu.driverVersion).toBe('580.159.04');
    expect(gpu.temperatureCelsius).toBe(36);
    expect(gpu.memoryTemperatureCelsius).toBe(39);
    expect(gpu.powerDrawWatts).toBe(72.65);
    expect(gpu.powerLimitWatts).toBe(700);
    expect(gpu.memoryTotalMiB).toBe(81559);
    expect(gpu.clockSmMHz).toBe(345);
    expect(gpu.clockSmMaxMHz).toBe(1980);
    expect(gpu.fanSpeedPercent).toBeUndefined();
    expect(gpu.clocksEventReasons).toEqual({ hw_thermal_slowdown: false, sw_thermal_slowdown: false });
  });

  test('reads several GPUs, [Not Supported] and active reasons', () => {
    const second = lineInQueryOrder(header, values, {
      index: '1',
      uuid: 'GPU-00000000-0000-0000-0000-000000000001',
      'power.draw': '[Not Supported]',
      'clocks_throttle_reasons.hw_thermal_slowdown': 'Active',
    });
    const { gpus } = parseQueryOutput(`${lineInQueryOrder(header, values)}\n${second}\n`);
    expect(gpus.map((g) => g.index)).toEqual(['0', '1']);
    expect(gpus[1].powerDrawWatts).toBeUndefined();
    expect(gpus[1].clocksEventReasons.hw_thermal_slowdown).toBe(true);
  });

  test('reports unreadable lines and keeps the readable ones', () => {
    const good = lineInQueryOrder(header, values);
    const { gpus, problems } = parseQueryOutput(`${good}\nNVIDIA-SMI has failed because it couldn't communicate with the driver\n${good.replace(/^0,/, 'x,')}\n`);
    expect(gpus).toHaveLength(1);
    expect(problems).toEqual([
      { line: 2, reason: `expected ${QUERY_FIELDS.length} fields, got 1` },
      { line: 3, reason: 'GPU index "x" is not a number' },
    ]);
  });
});
