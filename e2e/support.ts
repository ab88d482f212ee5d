// Browser-journey support: the real server as a child process, Chromium, and the axe-core check.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { testEnv } from '../src/config.ts';
import { totpNow } from '../src/modules/identity/credentials.ts';
import { freePort } from '../test/free-port.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface Server {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `convergenza serve` on a free loopback port with a fresh data directory and the Venice demo.
 * `prepare` runs CLI commands on that database first (the embedded database has one process at a time)
 * and returns their output.
 */
export async function startServer(prepare: string[][] = []): Promise<Server & { prepared: string[] }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'convergenza-e2e-'));
  const databaseUrl = testEnv('E2E_DATABASE_URL');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A clean environment: nothing from the developer's shell (DATABASE_URL, PORT…) leaks into the server.
  const env = {
    PATH: testEnv('PATH') ?? '/usr/bin:/bin',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    DEMO_SEED: 'venezia',
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const prepared = prepare.map((args) => {
    const run = spawnSync(process.execPath, ['bin/convergenza.js', ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`convergenza ${args.join(' ')} failed:\n${run.stderr}`);
    return run.stdout;
  });
  const child = spawn(process.execPath, ['bin/convergenza.js', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`,
      );
    }
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop, prepared };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not ready within ${READY_TIMEOUT_MS} ms:\n${stderr}`);
    }
    await sleep(100);
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Harness {
  url: string;
  /**
   * A page in a fresh browser context (no cookies), closed when the current test ends. The context
   * bypasses the portal's CSP unless told otherwise, because axe-core is injected as an inline script.
   */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(prepare: string[][] = []): Promise<Harness & { prepared: string[] }> {
  const server = await startServer(prepare);
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: server.url,
    prepared: server.prepared,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: server.url, bypassCSP: true, ...options });
      onTestFinished(() => context.close());
      return context.newPage();
    },
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

let axeSource: string | undefined;

/** Fails listing every WCAG 2.1 AA violation that axe-core finds on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  axeSource ??= await fs.readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async (tags) => {
    const { axe } = window as unknown as { axe: typeof import('axe-core') };
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, WCAG_TAGS);
  if (violations.length === 0) return;
  const list = violations.map((v) => `- ${v.id}: ${v.help}\n${v.targets.map((t) => `    ${t}`).join('\n')}`);
  throw new Error(
    `axe-core: ${violations.length} WCAG 2.1 AA violation(s) on ${page.url()}\n${list.join('\n')}`,
  );
}

/**
 * A TOTP code that stays valid while the form is sent: waits out a step about to end. `stepOffset` -1
 * gives the previous step's code (a code works once: a login right after the activation needs another).
 */
export async function freshCode(secret: string, stepOffset = 0): Promise<string> {
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  if (left < 3) await new Promise((r) => setTimeout(r, left * 1000 + 200));
  return totpNow(secret, stepOffset);
}

/** Activates a staff account (password + TOTP) from the output of its `staff invite` command. */
export async function activateStaff(page: Page, inviteOutput: string): Promise<void> {
  const link = new URL(/activation link \(valid 7 days\): (\S+)/.exec(inviteOutput)![1]!);
  await page.goto(link.pathname + link.search);
  await page.getByLabel(/Nuova password/).fill('una password per la prova 7');
  await page.getByRole('button', { name: 'Continua' }).click();
  const secret = (await page.locator('code').textContent())!.trim();
  await page.getByLabel('Codice').fill(await freshCode(secret));
  await page.getByRole('button', { name: 'Conferma' }).click();
  // Staff land on their sessions; a SAD admin on the console.
  await page.waitForURL(/\/(sessioni|sad)$/);
}
