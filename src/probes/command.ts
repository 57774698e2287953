// `command` probes: run a program (argv list, never a shell) and judge it by its exit code;
// a JSON line on stdout ({covered,total} or {value}) turns it into a ratio or value probe.
// The timeout kills the whole process group, so a script's children cannot linger.
// The program gets a minimal environment (config/env.ts CHILD_ENV_KEYS) plus the probe's own
// `env:`, never the bot's tokens; known secret values in its output are masked; members see
// only the program's name as the source, approvers the whole command line.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { checkBounds, defineProbeKind, type ProbeDeps, probeBase, ratioTarget, valueBounds } from './kind.js';
import { assertPossible } from './measurement.js';
import { parseJson } from './net.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

/** Environment variables a child process is given by name (`env:` of command probes). */
const childEnvMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a variable name such as PYTHONPATH' }),
  z.string(),
);

const commandProbeSchema = z
  .strictObject({
    ...probeBase,
    ...ratioTarget,
    ...valueBounds,
    kind: z.literal('command'),
    run: z
      .array(z.string().min(1))
      .min(1, { message: 'must name the program to run, as a list: [python3, -m, …]' }),
    cwd: z.string().optional(),
    /** Added to the minimal environment the program runs with (never the bot's secrets). */
    env: childEnvMap.optional(),
  })
  .superRefine(checkBounds);
type CommandProbeConfig = z.output<typeof commandProbeSchema>;

export const commandKind = defineProbeKind({
  kind: 'command',
  schema: commandProbeSchema,
  defaultTimeoutMs: 60_000,
  defaultRefresh: '*/30 * * * *',
  resolvePaths: (probe, at) => ({ ...probe, cwd: at(probe.cwd ?? '.') }),
  create: (probe, context) => createCommandProbe(probe, context),
});

const STDOUT_MAX_BYTES = 1024 * 1024;
const STDERR_TAIL_CHARS = 600;
/** After SIGTERM, how long the group gets before SIGKILL. */
const KILL_GRACE_MS = 2000;

// Any JSON number (JSON.parse turns 1e999 into Infinity): impossible figures are refused with
// their reason below rather than skipped, so a wrong figure never passes as "exited with 0".
const anyNumber = z.custom<number>((v) => typeof v === 'number');
const stdoutSchema = z.union([
  z.object({ covered: anyNumber, total: anyNumber }),
  z.object({ value: anyNumber }),
]);
/** How much of a refused stdout line an error quotes. */
const QUOTED_LINE_CHARS = 200;

/** What the program inherits of the bot's environment (childEnv, nothing else); masks its output. */
type CommandProbeDeps = Pick<ProbeDeps, 'childEnv' | 'masker'>;

export function createCommandProbe(config: CommandProbeConfig, deps: CommandProbeDeps = {}): Probe {
  return {
    ...probeIdentity(config),
    source: `command: ${path.basename(config.run[0] ?? '')}`,
    sourceDetail: `command: ${config.run.join(' ')}`,
    run: ({ signal }) => runCommand(config, deps, signal),
  };
}

function runCommand(
  config: CommandProbeConfig,
  deps: CommandProbeDeps,
  signal: AbortSignal,
): Promise<Measurement> {
  const env = { ...deps.childEnv, ...config.env };
  const mask = (text: string) => (deps.masker ? deps.masker.mask(text) : text);
  // Where the kept end of stderr was cut, part of a secret may remain: drop that much more.
  const cutSecretLength = deps.masker?.longest ?? 0;
  const [program, ...args] = config.run as [string, ...string[]];
  // What every member may read: the program's name, not its path (approvers see that in the source).
  const name = path.basename(program);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ProbeError('cancelled before it started'));
    const child = spawn(program, args, {
      cwd: config.cwd,
      // Its own process group, so a timeout can kill everything it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    let stdoutTooLarge = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length + chunk.length > STDOUT_MAX_BYTES) stdoutTooLarge = true;
      else stdout += chunk.toString('utf8');
    });
    let stderrCut = false;
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = stderr + chunk.toString('utf8');
      stderrCut ||= joined.length > STDERR_TAIL_CHARS * 4;
      stderr = joined.slice(-STDERR_TAIL_CHARS * 4);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(
        new ProbeError(
          error.code === 'ENOENT'
            ? `program not found: ${name}`
            : `cannot run ${name}: ${error.code ?? error.message}`,
        ),
      );
    });
    child.once('close', (code, killedBy) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Children that kept the group alive after the leader exited are stopped too.
      if (signal.aborted) killGroup('SIGKILL');
      const tail = stderrTail(mask(stderrCut ? stderr.slice(cutSecretLength) : stderr));
      if (signal.aborted)
        return reject(new ProbeError(`timed out and was stopped${tail ? `: ${tail}` : ''}`));
      if (code !== 0) {
        const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
        return resolve({ kind: 'tests', passed: false, summary: `${name} ${how}${tail ? `: ${tail}` : ''}` });
      }
      if (stdoutTooLarge) return reject(new ProbeError(`printed more than ${STDOUT_MAX_BYTES} bytes`));
      // Inside an event handler: a throw here would be an uncaught exception, not a rejection.
      try {
        resolve(
          interpretStdout(mask(stdout)) ?? {
            kind: 'tests',
            passed: true,
            summary: `${name} exited with code 0`,
          },
        );
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * The last JSON object line of stdout, when it carries {covered,total} or {value}; a
 * ProbeError naming why when that figure is impossible (covered > total, not finite).
 */
export function interpretStdout(stdout: string): Measurement | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    // Not JSON (undefined) fails the schema too.
    const parsed = stdoutSchema.safeParse(parseJson(trimmed));
    if (!parsed.success) continue;
    const measurement: Measurement =
      'covered' in parsed.data
        ? { kind: 'ratio', covered: parsed.data.covered, total: parsed.data.total }
        : { kind: 'value', value: parsed.data.value };
    const quoted = trimmed.length > QUOTED_LINE_CHARS ? `${trimmed.slice(0, QUOTED_LINE_CHARS)}…` : trimmed;
    return assertPossible(measurement, `printed ${quoted}`);
  }
  return undefined;
}

function stderrTail(stderr: string): string {
  const text = stderr.trim().replace(/\s+/g, ' ');
  return text.length > STDERR_TAIL_CHARS ? `…${text.slice(-STDERR_TAIL_CHARS)}` : text;
}
