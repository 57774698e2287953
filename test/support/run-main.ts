// Runs `src/main.ts` as a child process: the way `npm start` does, with piped stdin, or as a
// long-running bot (HTTP mode) that tests kill and restart.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX_DIST = path.join(ROOT, 'node_modules', 'tsx', 'dist');
/**
 * `node` with tsx's loader, running the sources (`npm start` runs their build; build.test.ts
 * covers that). Not the tsx CLI: it would run the bot in a grandchild (a SIGKILL must hit the
 * bot itself), and a second Node process per start cost about half a second of CPU each.
 */
const MAIN_ARGS = [
  '--require',
  path.join(TSX_DIST, 'preflight.cjs'),
  '--import',
  pathToFileURL(path.join(TSX_DIST, 'loader.mjs')).href,
  path.join(ROOT, 'src', 'main.ts'),
];

export interface MainResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunMainOptions {
  /** Written to stdin, which is then closed (unless keepStdinOpen). */
  readonly input?: string;
  readonly env?: Record<string, string>;
  readonly keepStdinOpen?: boolean;
  /** Called once stdout contains this text (e.g. to send a signal). */
  readonly onOutput?: { readonly text: string; readonly run: (child: ReturnType<typeof spawn>) => void };
  readonly timeoutMs?: number;
}

/** The environment without any Slack or audit-bot variables of the machine running the tests. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(SLACK_|NOTION_|ALERTMANAGER_|AUDIT_BOT_|PORT$|HOST$|LOG_LEVEL$)/.test(key))
      continue;
    env[key] = value;
  }
  return env;
}

export function runMain(options: RunMainOptions = {}): Promise<MainResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, MAIN_ARGS, {
      cwd: ROOT,
      env: { ...cleanEnv(), PORT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let fired = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (options.onOutput && !fired && stdout.includes(options.onOutput.text)) {
        fired = true;
        options.onOutput.run(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `main did not exit within ${options.timeoutMs ?? 20_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.write(options.input);
    if (!options.keepStdinOpen) child.stdin.end();
  });
}

export interface MainProcess {
  readonly child: ChildProcess;
  /** Base URL of the bot's HTTP server. */
  readonly url: string;
  /** What the bot wrote to stdout and stderr so far (JSON log lines in Slack modes). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A port for a bot that is restarted on the same address: free when chosen, and below Linux's
 * ephemeral range (32768-60999), where every outgoing connection takes one (a port picked in
 * 40000-60000 was once taken by one between two starts of the same bot).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface StartMainOptions {
  readonly timeoutMs?: number;
  /** Run what `npm start` runs, the build of scripts/build.mjs, instead of the sources. */
  readonly build?: boolean;
  /** Options for node itself (`--cpu-prof`), which NODE_OPTIONS may not carry. */
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts the bot as its own process and waits for /healthz. `env` is added to a clean
 * environment; PORT is chosen here unless given.
 */
export async function startMainProcess(
  env: Record<string, string>,
  { timeoutMs = 20_000, build = false, nodeArgs = [] }: StartMainOptions = {},
): Promise<MainProcess> {
  const port = env.PORT ?? String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  if (build) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
  const entry = build ? [path.join(ROOT, 'dist', 'main.js')] : MAIN_ARGS;
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: { ...cleanEnv(), HOST: '127.0.0.1', ...env, PORT: port },
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`bot exited during start (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // still starting
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot did not answer /healthz within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => output, exited };
}
