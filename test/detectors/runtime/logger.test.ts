import { describe, expect, test } from 'vitest';
import { createLogger } from '../../../detectors/runtime/logger.js';

describe('createLogger', () => {
  test('writes one JSON object per line with base fields, filters by level, keeps error messages', () => {
    const lines: string[] = [];
    const problems: string[] = [];
    const log = createLogger({ base: { mode: 'gpu' }, level: 'info', sink: { write: (l: string) => lines.push(l) }, onProblem: (level, msg) => problems.push(`${level}:${msg}`) });
    log.debug('hidden');
    log.info('started', { port: 9405 });
    log.error('cycle failed', { error: new Error('prometheus down') });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    const [started, failed] = lines.map((l) => JSON.parse(l));
    expect(started).toMatchObject({ level: 'info', mode: 'gpu', msg: 'started', port: 9405 });
    expect(Date.parse(started.time)).not.toBeNaN();
    expect(failed).toMatchObject({ level: 'error', msg: 'cycle failed', error: 'prometheus down' });
    expect(problems).toEqual(['error:cycle failed']);
  });
});
