/**
 * Debian's Chromium, headless, for pages a person looks at: a screenshot and the DOM after load, and every
 * console message the page produced. As root it needs --no-sandbox; every network use is turned off, and host
 * resolution fails, so a page that tries to fetch anything logs an error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { decodePng, type Image } from './png.js';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND', '--enable-logging=stderr', '--v=0',
];

export interface RenderedPage {
  readonly screenshot: Image;
  readonly dom: string;
  /** Console messages (any level) and uncaught errors, as Chromium logs them. */
  readonly console: string[];
}

async function run(args: string[], dir: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(CHROMIUM, [...FLAGS, `--user-data-dir=${join(dir, 'profile')}`, ...args], { timeout: 60_000, maxBuffer: 64 << 20 });
}

/** Opens `file` twice (a fresh empty profile each time): once for a screenshot of `width`×`height`, once for the DOM. */
export async function renderPage(file: string, width: number, height: number): Promise<RenderedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'odin-chromium-'));
  try {
    const url = pathToFileURL(file).href;
    const shot = await run([`--screenshot=${join(dir, 'shot.png')}`, `--window-size=${width},${height}`, url], join(dir, 'a'));
    const dom = await run(['--dump-dom', url], join(dir, 'b'));
    const console = `${shot.stderr}\n${dom.stderr}`.split('\n').filter((line) => /:CONSOLE/.test(line));
    return { screenshot: decodePng(readFileSync(join(dir, 'shot.png'))), dom: dom.stdout, console };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
