/**
 * The process mode as the detector program runs it: a real process on a port the kernel chose over a fake /proc and a host
 * root in temporary directories. Threat metrics carry only category, severity and rule; PIDs and command lines
 * appear in the log, once per finding.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Registry } from 'prom-client';
import { parseProcessSettings, ProcessMode, threatLabelSets } from '../../../detectors/modes/process.js';
import { FileModelStore } from '../../../detectors/models/store.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import type { ModeContext } from '../../../detectors/runtime/mode.js';
import { DetectorProcess, get, sampleValue } from '../helpers/detector-process.js';
import { eventually } from '../helpers/wait-for.js';
import { fakeProc } from './fake-proc.js';

const dirs: string[] = [];
const running: DetectorProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const IMPOSTOR = 'category="system_modification",severity="critical",rule="kernel-thread-impostor"';

describe('process mode', () => {
  test('exports threats by category, severity and rule, logs each once with its PID, and watches files', async () => {
    const procDir = fakeProc();
    const hostRoot = mkdtempSync(join(tmpdir(), 'odin-host-'));
    dirs.push(procDir, hostRoot);
    mkdirSync(join(hostRoot, 'etc/cron.d'), { recursive: true });
    const detector = await DetectorProcess.start('process', {
      ODIN_PROC_DIR: procDir, ODIN_HOST_ROOT: hostRoot, ODIN_MODELS_DIR: join(hostRoot, 'models'), ODIN_CYCLE_INTERVAL_SEC: '1',
    });
    running.push(detector);
    const { port } = detector;

    const first = await eventually('threat metrics', 20_000, async () => {
      const { body } = await get(port, '/metrics');
      return sampleValue(body, 'odin_process_threats', IMPOSTOR) === 1 ? body : undefined;
    });
    expect(sampleValue(first, 'odin_process_threats_total', IMPOSTOR)).toBe(1);
    // Every other label set the rules and the file watcher can report is there at 0, before any finding of its own.
    const missing = threatLabelSets().filter((l) => sampleValue(first, 'odin_process_threats_total', `category="${l.category}",severity="${l.severity}",rule="${l.rule}"`) === undefined);
    expect(threatLabelSets().length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    expect(sampleValue(first, 'odin_process_threats_total', 'category="persistence",severity="high",rule="cron-changed"')).toBe(0);
    expect(sampleValue(first, 'odin_process_threats_total', 'category="crypto_miner",severity="critical",rule="miner-stratum-url"')).toBe(0);
    expect(sampleValue(first, 'odin_process_threats', 'rule="shell-stdio-on-tcp-socket"')).toBe(1);
    expect(sampleValue(first, 'odin_process_scan_skipped_total', 'reason="vanished"')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(first, 'odin_process_scan_skipped_total', 'reason="truncated"')).toBeGreaterThanOrEqual(1);
    expect(first).not.toMatch(/pid=|kworker\/0:1|203\.0\.113\.45/);
    expect(detector.logs).toContain('"msg":"malformed /proc entries skipped"');
    expect((await get(port, '/ready')).status).toBe(200);

    writeFileSync(join(hostRoot, 'etc/cron.d/persist'), '* * * * * root /tmp/.x/kworker\n');
    const later = await eventually('the cron change', 20_000, async () => {
      const { body } = await get(port, '/metrics');
      return sampleValue(body, 'odin_process_threats_total', 'rule="cron-changed"') === 1 ? body : undefined;
    });
    expect(sampleValue(later, 'odin_process_threats_total', IMPOSTOR)).toBe(1);
    const threatLines = detector.logs.split('\n').filter((l) => l.includes('"rule":"kernel-thread-impostor"'));
    expect(threatLines).toHaveLength(1);
    expect(JSON.parse(threatLines[0])).toMatchObject({ msg: 'threat found', pid: 100, cmdline: '[kworker/0:1]', exe: '/dev/shm/.x/kworker', container_id: 'ab'.repeat(32) });
  });

  test('the threat counter exists at 0 for every rule and file-watch label set as soon as the mode starts', async () => {
    const registry = new Registry();
    const mode = new ProcessMode(parseProcessSettings({}), { procDir: '/nonexistent', hostRoot: '/nonexistent' });
    // start() registers the metrics and restores the per-name scorers (none saved in a fresh models directory).
    const log = createLogger({ sink: { write: () => true } });
    const models = new FileModelStore({ dir: mkdtempSync(join(tmpdir(), 'odin-models-')), log });
    await mode.start({ registry, log, models, now: () => 1_700_000_000 } as Pick<ModeContext, 'registry' | 'log' | 'models' | 'now'> as ModeContext);
    const text = await registry.metrics();
    const series = threatLabelSets().map((l) => sampleValue(text, 'odin_process_threats_total', `category="${l.category}",severity="${l.severity}",rule="${l.rule}"`));
    expect(series.every((v) => v === 0)).toBe(true);
    expect(new Set(threatLabelSets().map((l) => l.rule)).size).toBe(threatLabelSets().length);
    expect(threatLabelSets()).toContainEqual({ category: 'persistence', severity: 'high', rule: 'cron-changed' });
  });

  test('settings: allow-list entries and limits are validated with the field named', () => {
    expect(parseProcessSettings({}).maxCmdlineBytes).toBe(65_536);
    expect(parseProcessSettings({ allow: [{ rule: 'deleted-executable', exe: '/usr/sbin/sshd' }] }).allow).toHaveLength(1);
    expect(() => parseProcessSettings({ allow: [{}] })).toThrow(/process\.allow\[0\] is empty/);
    expect(() => parseProcessSettings({ allow: [{ pid: 1 }] })).toThrow(/unknown keys pid/);
    expect(() => parseProcessSettings({ maxScoredNames: 0 })).toThrow(/process\.maxScoredNames must be an integer >= 1, got 0/);
    expect(() => parseProcessSettings({ colour: 'red' })).toThrow(/process: unknown key\(s\) colour; known keys are allow/);
  });
});
