import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { listeningPort } from './listening-port.js';
import { eventually } from './wait-for.js';

/** A child running `script` under node, its stdout collected. */
function node(script: string) {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return { child, output: () => output };
}

describe('listeningPort', () => {
  test('reads from the kernel the port a process got for port 0', async () => {
    const { child, output } = node(`require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port); });`);
    try {
      const port = await listeningPort(child, 'server', output);
      expect(port).toBeGreaterThan(0);
      // The kernel lists the socket as soon as it listens; the child's own report of it may still be in the pipe.
      const reported = await eventually('the port the server reports', 5000, async () => output().trim() || undefined);
      expect(reported).toBe(String(port));
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('fails loudly, with the log, when the process exits before it listens', async () => {
    const { child, output } = node(`console.error('listen tcp 127.0.0.1:0: bind: address already in use'); process.exit(3);`);
    await expect(listeningPort(child, 'server', output)).rejects.toThrow(/server exited \(3\) before listening: listen tcp .* address already in use/);
  });

  test('refuses to guess between several listening ports', async () => {
    const listen = `require('net').createServer().listen(0, '127.0.0.1')`;
    const { child, output } = node(`${listen}; ${listen}; setInterval(() => {}, 1000);`);
    try {
      await expect(listeningPort(child, 'server', output)).rejects.toThrow(/server listens on several ports/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
