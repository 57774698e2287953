// Runs probes: on their `refresh` schedules, on demand, never the same probe twice at once,
// each under its own timeout (AbortSignal), one probe's failure never touching another.
// Every result is stored as history; `/audit status` only ever reads the store.

import { createTask, type ScheduledTask } from 'node-cron';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import type { SecretMasker } from '../kit/secrets.js';
import { evaluate } from './evaluate.js';
import { defaultRefresh, defaultTimeoutMs, type ProbeConfig } from './index.js';
import { assertPossible } from './measurement.js';
import type { ProbeResults } from './results-store.js';
import { type Probe, ProbeError, type ProbeResult } from './types.js';

export interface RunnerOptions {
  readonly probes: readonly Probe[];
  readonly configs: readonly ProbeConfig[];
  readonly results: ProbeResults;
  readonly logger: Logger;
  readonly timezone: string;
  readonly now?: () => Date;
  /** Known secret values, masked in every result before it is stored, logged or shown. */
  readonly masker?: SecretMasker;
}

export type ResultListener = (result: ProbeResult) => void;

export class ProbeRunner {
  private readonly probes = new Map<string, Probe>();
  private readonly configs = new Map<string, ProbeConfig>();
  private readonly inFlight = new Map<string, Promise<ProbeResult | undefined>>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly stopping = new AbortController();
  private readonly listeners: ResultListener[] = [];
  private readonly now: () => Date;

  constructor(private readonly options: RunnerOptions) {
    for (const probe of options.probes) this.probes.set(probe.id, probe);
    for (const config of options.configs) this.configs.set(config.id, config);
    this.now = options.now ?? (() => new Date());
  }

  get ids(): string[] {
    return [...this.probes.keys()];
  }

  probe(id: string): Probe | undefined {
    return this.probes.get(id);
  }

  config(id: string): ProbeConfig | undefined {
    return this.configs.get(id);
  }

  isRunning(id: string): boolean {
    return this.inFlight.has(id);
  }

  onResult(listener: ResultListener): void {
    this.listeners.push(listener);
  }

  /**
   * Measures one probe now. A second call while it runs joins the first instead of starting
   * another. Resolves with the stored result; undefined when there was nothing to measure yet
   * or the runner is stopping. Never rejects.
   */
  run(id: string): Promise<ProbeResult | undefined> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const probe = this.probes.get(id);
    const config = this.configs.get(id);
    if (!probe || !config || this.stopping.signal.aborted) return Promise.resolve(undefined);
    const work = this.measure(probe, config)
      .catch((error: unknown) => {
        // measure() handles the probe's own failures; this is the last guard, so a timer or a
        // `void runner.run()` can never see a rejection.
        this.options.logger.error({ probe: id }, `measuring failed: ${describeError(error)}`);
        return undefined;
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }

  async runAll(): Promise<Array<ProbeResult | undefined>> {
    return Promise.all(this.ids.map((id) => this.run(id)));
  }

  /** Starts the refresh schedules and measures every probe once; resolves when that round ends. */
  start(): Promise<void> {
    for (const [id, config] of this.configs) {
      const task = createTask(config.refresh ?? defaultRefresh(config), () => this.run(id), {
        name: `probe:${id}`,
        timezone: this.options.timezone,
        noOverlap: true,
      });
      Promise.resolve(task.start()).catch((error: unknown) => {
        this.options.logger.error(
          { probe: id },
          `cannot start the refresh schedule: ${describeError(error)}`,
        );
      });
      this.tasks.push(task);
    }
    return this.runAll().then(() => undefined);
  }

  /** Stops schedules, aborts running probes and waits for them to settle. */
  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async measure(probe: Probe, config: ProbeConfig): Promise<ProbeResult | undefined> {
    const started = performance.now();
    const startedAt = this.now();
    const timeoutMs = config.timeout ?? defaultTimeoutMs(config);
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(timeoutMs)]);
    let result: ProbeResult;
    try {
      // Every kind's figure is checked here, so an impossible one is an error, never shown.
      const measurement = assertPossible(
        await raceAbort(probe.run({ signal, now: this.now }), signal, timeoutMs),
      );
      const { status, reason } = evaluate(config, measurement);
      const measuredAt =
        measurement.kind === 'tests' && measurement.ranAt ? measurement.ranAt : startedAt.toISOString();
      result = {
        probeId: probe.id,
        status,
        measurement,
        measuredAt,
        durationMs: performance.now() - started,
        ...(reason ? { error: reason } : {}),
      };
    } catch (error) {
      if ((error instanceof ProbeError && error.noData) || this.stopping.signal.aborted) return undefined;
      const described =
        error instanceof ProbeError ? error.message : `unexpected failure: ${describeError(error)}`;
      const message = this.options.masker ? this.options.masker.mask(described) : described;
      this.options.logger.warn({ probe: probe.id, kind: probe.kind }, `probe failed: ${message}`);
      result = {
        probeId: probe.id,
        status: 'error',
        measuredAt: startedAt.toISOString(),
        durationMs: performance.now() - started,
        error: message,
      };
    }
    // Whatever a probe read (a script's output, an error from a library) may quote a secret.
    if (this.options.masker) result = this.options.masker.maskDeep(result);
    try {
      this.options.results.record(result);
    } catch (error) {
      this.options.logger.error({ probe: probe.id }, `cannot store probe result: ${describeError(error)}`);
    }
    for (const listener of this.listeners) {
      try {
        listener(result);
      } catch (error) {
        this.options.logger.warn(`result listener failed: ${describeError(error)}`);
      }
    }
    return result;
  }
}

/** Rejects when the signal aborts, even if a probe ignores its signal. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new ProbeError(`no result within ${Math.round(timeoutMs / 1000)} s (timeout)`));
    if (signal.aborted) {
      // Nobody waits for the work any more; its late failure must not become an unhandled
      // rejection, which ends the process.
      work.catch(() => {});
      return onAbort();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work
      .finally(() => signal.removeEventListener('abort', onAbort))
      // A probe that noticed the abort itself still reports the timeout clearly.
      .then(resolve, (error: unknown) => (signal.aborted ? onAbort() : reject(error)));
  });
}
