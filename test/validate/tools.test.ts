import { describe, expect, test } from 'vitest';
import { runTool, tempDir } from './tools.js';

describe('runTool', () => {
  test('a tool missing from PATH fails loudly instead of reading as a refusal', () => {
    const path = process.env.PATH;
    process.env.PATH = tempDir('empty-path');
    try {
      for (const tool of ['promtool', 'amtool']) {
        expect(() => runTool(tool, ['check-config', '/nonexistent.yml'])).toThrow(new RegExp(`^${tool} could not run \\(ENOENT\\)`));
      }
    } finally {
      process.env.PATH = path;
    }
  });

  test('a tool killed by a signal fails loudly', () => {
    expect(() => runTool('sh', ['-c', 'kill -KILL $$'])).toThrow(/sh could not run \(SIGKILL\)/);
  });

  test('a tool that exits non-zero returns its status with stdout and stderr', () => {
    expect(runTool('sh', ['-c', 'echo refused; echo because >&2; exit 3'])).toEqual({ status: 3, output: 'refused\nbecause\n' });
    expect(runTool('promtool', ['--version']).status).toBe(0);
  });
});
