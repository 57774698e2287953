// Runs `src/main.ts` as a child process, the way `npm start` does, with piped stdin.

import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

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
    const child = spawn(TSX, [path.join(ROOT, 'src', 'main.ts')], {
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
