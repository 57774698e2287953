// The probe runner with in-test probes and a real SQLite store: single flight, isolation,
// timeouts, statuses and history.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/kit/logger.js';
import { currentStatus } from '../../src/probes/evaluate.js';
import { ProbeResults } from '../../src/probes/results-store.js';
import { ProbeRunner, raceAbort } from '../../src/probes/runner.js';
import { type Measurement, type Probe, ProbeError } from '../../src/probes/types.js';
import { Store } from '../../src/store/store.js';
import { LogCapture, tempDir } from '../support/bot.js';

const CONFIG = parseConfig(
  `
probes:
  - { id: ratio, kind: sqlite, path: x.db, total_sql: SELECT 1, covered_sql: SELECT 1, target: 0.8 }
  - { id: value, kind: http-json, url: "http://localhost/x", value: a, min: 10, max: 500 }
  - { id: tests, kind: push, stale_after: 48h }
  - { id: hangs, kind: command, run: [x], timeout: 1s }
`,
  '/tmp/audit-bot.yml',
);

function fakeProbe(id: string, run: () => Promise<Measurement>): Probe & { calls: number } {
  const probe = {
    id,
    kind: 'fake',
    title: id,
    source: 'test',
    calls: 0,
    run: async () => {
      probe.calls += 1;
      return run();
    },
  };
  return probe;
}

describe('ProbeRunner', () => {
  let dir: string;
  let store: Store;
  let results: ProbeResults;
  const logger = createLogger({ level: 'silent', pretty: false, destination: new LogCapture() });

  beforeEach(() => {
    dir = tempDir();
    store = Store.open(path.join(dir, 'bot.db'));
    results = new ProbeResults(store);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runner = (probes: Probe[]) =>
    new ProbeRunner({ probes, configs: CONFIG.probes, results, logger, timezone: 'UTC' });

  it('runs a probe once when asked twice at the same time', async () => {
    let release: (m: Measurement) => void = () => {};
    const probe = fakeProbe('ratio', () => new Promise((resolve) => (release = resolve)));
    const r = runner([probe]);
    const first = r.run('ratio');
    const second = r.run('ratio');
    expect(r.isRunning('ratio')).toBe(true);
    release({ kind: 'ratio', covered: 9, total: 10 });
    const [a, b] = await Promise.all([first, second]);
    expect(probe.calls).toBe(1);
    expect(a).toBe(b);
    expect(a?.status).toBe('ok');
  });

  it('keeps one probe failing from touching the others, and stores the error text', async () => {
    const r = runner([
      fakeProbe('ratio', async () => {
        throw new ProbeError('database not found: x.db');
      }),
      fakeProbe('value', async () => ({ kind: 'value', value: 42 })),
      fakeProbe('tests', async () => {
        throw new TypeError('boom');
      }),
    ]);
    const [ratio, value, tests] = await r.runAll();
    expect(ratio).toMatchObject({ status: 'error', error: 'database not found: x.db' });
    expect(value).toMatchObject({ status: 'ok', measurement: { kind: 'value', value: 42 } });
    expect(tests).toMatchObject({ status: 'error', error: 'unexpected failure: boom' });
    expect(results.latest('ratio')?.error).toBe('database not found: x.db');
  });

  it('times out a probe that ignores its signal', async () => {
    const r = runner([fakeProbe('hangs', () => new Promise(() => {}))]);
    const result = await r.run('hangs');
    expect(result).toMatchObject({ status: 'error', error: 'no result within 1 s (timeout)' });
    expect(result?.durationMs).toBeGreaterThanOrEqual(900);
  });

  it('judges ratios against target and values against bounds', async () => {
    let covered = 7;
    let value = 5;
    const r = runner([
      fakeProbe('ratio', async () => ({ kind: 'ratio', covered, total: 10 })),
      fakeProbe('value', async () => ({ kind: 'value', value })),
      fakeProbe('tests', async () => ({ kind: 'tests', passed: false, failedCount: 1 })),
    ]);
    expect((await r.run('ratio'))?.status).toBe('below_target');
    covered = 8;
    expect((await r.run('ratio'))?.status).toBe('ok');
    expect(await r.run('value')).toMatchObject({ status: 'below_target', error: 'below 10' });
    value = 600;
    expect(await r.run('value')).toMatchObject({ status: 'below_target', error: 'above 500' });
    value = 100;
    expect((await r.run('value'))?.status).toBe('ok');
    expect((await r.run('tests'))?.status).toBe('failing');
  });

  it('stores an error, never a figure, for impossible measurements of any probe kind', async () => {
    const r = runner([
      fakeProbe('ratio', async () => ({ kind: 'ratio', covered: 5, total: 2 })),
      fakeProbe('value', async () => ({ kind: 'value', value: Number.POSITIVE_INFINITY })),
      fakeProbe('tests', async () => ({ kind: 'tests', passed: true, passedCount: Number.NaN })),
    ]);
    const [ratio, value, tests] = await r.runAll();
    expect(ratio).toMatchObject({ status: 'error', error: 'covered (5) is greater than total (2)' });
    expect(ratio?.measurement).toBeUndefined();
    expect(value).toMatchObject({ status: 'error', error: 'value is not a finite number' });
    expect(tests).toMatchObject({ status: 'error', error: 'passed count is not a finite number' });
  });

  it('stores nothing when there is nothing to measure yet', async () => {
    const r = runner([
      fakeProbe('tests', async () => {
        throw new ProbeError('no results posted yet', { noData: true });
      }),
    ]);
    await expect(r.run('tests')).resolves.toBeUndefined();
    expect(results.latest('tests')).toBeUndefined();
  });

  it('keeps history oldest first and finds the figure a day earlier', () => {
    const at = (iso: string, covered: number) =>
      results.record({
        probeId: 'ratio',
        status: 'ok',
        measuredAt: iso,
        durationMs: 1,
        measurement: { kind: 'ratio', covered, total: 10 },
      });
    at('2026-01-16T08:00:00.000Z', 5);
    at('2026-01-17T08:00:00.000Z', 6);
    at('2026-01-18T08:00:00.000Z', 7);
    results.record({
      probeId: 'ratio',
      status: 'error',
      measuredAt: '2026-01-18T09:00:00.000Z',
      durationMs: 1,
      error: 'x',
    });
    expect(
      results.history('ratio').map((r) => (r.measurement?.kind === 'ratio' ? r.measurement.covered : -1)),
    ).toEqual([5, 6, 7]);
    expect(results.latest('ratio')?.status).toBe('error');
    expect(results.latestMeasured('ratio')?.measuredAt).toBe('2026-01-18T08:00:00.000Z');
    expect(results.latestMeasured('ratio', '2026-01-17T08:00:00.000Z')?.measuredAt).toBe(
      '2026-01-17T08:00:00.000Z',
    );
    expect(results.lastError('ratio')?.error).toBe('x');
  });

  it('stop() aborts probes in flight and refuses new runs', async () => {
    let sawAbort = false;
    const probe: Probe = {
      id: 'ratio',
      kind: 'fake',
      title: 'ratio',
      source: 'test',
      run: ({ signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new ProbeError('stopped'));
          });
        }),
    };
    const r = runner([probe]);
    const running = r.run('ratio');
    await r.stop();
    await expect(running).resolves.toBeUndefined();
    expect(sawAbort).toBe(true);
    await expect(r.run('ratio')).resolves.toBeUndefined();
  });

  it('shows a push result older than stale_after as stale', () => {
    const config = CONFIG.probes[2];
    if (!config) throw new Error('missing');
    const result = {
      probeId: 'tests',
      status: 'ok' as const,
      measuredAt: '2026-01-15T08:00:00.000Z',
      durationMs: 1,
    };
    expect(currentStatus(config, result, new Date('2026-01-16T08:00:00.000Z'))).toBe('ok');
    expect(currentStatus(config, result, new Date('2026-01-17T08:00:01.000Z'))).toBe('stale');
  });
});

describe('raceAbort', () => {
  it('answers a timeout at once for a signal aborted already, and swallows the late failure of the work', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail: (error: Error) => void = () => {};
      const work = new Promise<never>((_resolve, reject) => {
        fail = reject;
      });
      await expect(raceAbort(work, AbortSignal.abort(), 5000)).rejects.toThrow(
        'no result within 5 s (timeout)',
      );
      fail(new Error('the source failed after the timeout'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
