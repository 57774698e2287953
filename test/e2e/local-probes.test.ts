// sqlite, command and http-json probes with real files, child processes and a local server.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProbeConfig, parseConfig } from '../../src/config/index.js';
import { ensureDemoDjayLibrary } from '../../src/dev/demo/djay.js';
import { createCommandProbe } from '../../src/probes/command.js';
import { createHttpJsonProbe } from '../../src/probes/http-json.js';
import { createSqliteProbe } from '../../src/probes/sqlite.js';
import type { Probe } from '../../src/probes/types.js';
import { tempDir } from '../support/bot.js';
import { until } from '../support/until.js';

function probeConfig<K extends ProbeConfig['kind']>(
  kind: K,
  yaml: string,
): Extract<ProbeConfig, { kind: K }> {
  const probe = parseConfig(`probes:\n  - { id: p, kind: ${kind}, ${yaml} }`, '/tmp/audit-bot.yml').probes[0];
  if (probe?.kind !== kind) throw new Error(`not a ${kind} probe`);
  return probe as Extract<ProbeConfig, { kind: K }>;
}

const run = (probe: Probe, signal: AbortSignal = new AbortController().signal) =>
  probe.run({ signal, now: () => new Date() });
const node = JSON.stringify(process.execPath);

describe('sqlite probe', () => {
  const dir = tempDir();
  const file = path.join(dir, 'djay.sqlite');
  beforeAll(() => {
    ensureDemoDjayLibrary({ path: file, tracks: 15540, matched: 10878 });
  });

  const sql = (total: string, covered: string, extra = '') =>
    probeConfig(
      'sqlite',
      `path: ${JSON.stringify(file)}, total_sql: "${total}", covered_sql: "${covered}"${extra}`,
    );

  it('counts with the two SELECTs, read-only', async () => {
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    const probe = createSqliteProbe(
      sql('SELECT COUNT(*) FROM tracks', 'SELECT COUNT(*) FROM tracks WHERE djay_id IS NOT NULL'),
    );
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: 10_878, total: 15_540 });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('names a missing file and a file that is not a database', async () => {
    const missing = createSqliteProbe(
      probeConfig(
        'sqlite',
        `path: ${JSON.stringify(path.join(dir, 'nope.sqlite'))}, total_sql: "SELECT 1", covered_sql: "SELECT 1"`,
      ),
    );
    await expect(run(missing)).rejects.toThrow(`database not found: ${path.join(dir, 'nope.sqlite')}`);
    const text = path.join(dir, 'text.sqlite');
    writeFileSync(text, 'hello, not a database at all\n'.repeat(100));
    const notDb = createSqliteProbe(
      probeConfig('sqlite', `path: ${JSON.stringify(text)}, total_sql: "SELECT 1", covered_sql: "SELECT 1"`),
    );
    await expect(run(notDb)).rejects.toThrow(`not an SQLite database: ${text}`);
  });

  it('refuses covered greater than total, naming both', async () => {
    const probe = createSqliteProbe(sql('SELECT 2', 'SELECT 5'));
    await expect(run(probe)).rejects.toThrow('covered (5) is greater than total (2)');
  });

  it('rejects a query that does not return a number', async () => {
    const probe = createSqliteProbe(sql("SELECT 'many'", 'SELECT 1'));
    await expect(run(probe)).rejects.toThrow('total_sql did not return a number');
  });

  it('stops a slow query on timeout without blocking the event loop', async () => {
    const slow =
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT COUNT(*) FROM c';
    const probe = createSqliteProbe(sql(slow, 'SELECT 1'));
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 20);
    try {
      await expect(run(probe, AbortSignal.timeout(400))).rejects.toThrow(
        'the queries took too long and were stopped',
      );
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});

describe('command probe', () => {
  const dir = tempDir();
  const script = (name: string, source: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, source);
    return JSON.stringify(file);
  };

  it('passes on exit 0', async () => {
    const probe = createCommandProbe(probeConfig('command', `run: [${node}, -e, "process.exit(0)"]`));
    await expect(run(probe)).resolves.toMatchObject({ kind: 'tests', passed: true });
  });

  it('fails on a non-zero exit, with the exit code and the end of stderr', async () => {
    const file = script(
      'fail.js',
      "console.error('SyntaxError: invalid syntax (websocket_handler.py, line 12)'); process.exit(3);",
    );
    const probe = createCommandProbe(probeConfig('command', `run: [${node}, ${file}]`));
    const result = await run(probe);
    expect(result).toMatchObject({ kind: 'tests', passed: false });
    expect(result.kind === 'tests' && result.summary).toContain(
      'exited with code 3: SyntaxError: invalid syntax (websocket_handler.py, line 12)',
    );
  });

  it('reads {covered,total} or {value} from the last JSON line of stdout', async () => {
    const ratio = script(
      'ratio.js',
      "console.log('checking…'); console.log(JSON.stringify({ covered: 3, total: 4 }));",
    );
    await expect(
      run(createCommandProbe(probeConfig('command', `run: [${node}, ${ratio}]`))),
    ).resolves.toEqual({ kind: 'ratio', covered: 3, total: 4 });
    const value = script('value.js', 'console.log(JSON.stringify({ value: 12.5 }));');
    await expect(
      run(createCommandProbe(probeConfig('command', `run: [${node}, ${value}]`))),
    ).resolves.toEqual({ kind: 'value', value: 12.5 });
  });

  it('refuses impossible figures with an error naming why, never 250.0% or Infinity%', async () => {
    const cases: Array<[string, string]> = [
      ['{"covered":5,"total":2}', 'covered (5) is greater than total (2)'],
      ['{"covered":1e308,"total":1e-320}', 'covered (1e+308) is greater than total (1e-320)'],
      ['{"covered":1,"total":0}', 'covered (1) is greater than total (0)'],
      ['{"covered":-1,"total":3}', 'covered (-1) is negative'],
      ['{"covered":1,"total":1e999}', 'total is not a finite number'],
      ['{"value":-1e999}', 'value is not a finite number'],
    ];
    for (const [line, reason] of cases) {
      const file = script('figure.js', `console.log(${JSON.stringify(line)});`);
      const probe = createCommandProbe(probeConfig('command', `run: [${node}, ${file}]`));
      await expect(run(probe), line).rejects.toThrow(`printed ${line}: ${reason}`);
    }
    const fine = script('fine.js', 'console.log(JSON.stringify({ covered: 0, total: 0 }));');
    await expect(run(createCommandProbe(probeConfig('command', `run: [${node}, ${fine}]`)))).resolves.toEqual(
      { kind: 'ratio', covered: 0, total: 0 },
    );
  });

  it('says when the program does not exist', async () => {
    const probe = createCommandProbe(probeConfig('command', 'run: [definitely-not-a-program-xyz]'));
    await expect(run(probe)).rejects.toThrow('program not found: definitely-not-a-program-xyz');
  });

  it('kills the whole process tree on timeout', async () => {
    const pids = path.join(dir, 'pids.txt');
    const child = script(
      'child.js',
      `require('fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n'); setTimeout(() => {}, 60000);`,
    );
    const parent = script(
      'parent.js',
      `require('fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n'); require('child_process').spawn(process.execPath, [${child}], { stdio: 'ignore' }); setTimeout(() => {}, 60000);`,
    );
    const probe = createCommandProbe(probeConfig('command', `run: [${node}, ${parent}]`));
    const controller = new AbortController();
    const running = run(probe, controller.signal);
    running.catch(() => {}); // awaited below, once the tree is stopped
    const startedPids = () =>
      existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean) : [];
    // Stopped once the whole tree is up (a fixed delay stopped a loaded machine's parent before
    // it had started its child).
    await until(() => startedPids().length >= 2);
    controller.abort();
    await expect(running).rejects.toThrow('timed out and was stopped');
    const started = startedPids().map(Number);
    expect(started).toHaveLength(2);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 4000;
    while (started.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(started.filter(alive)).toEqual([]);
  });
});

describe('http-json probe', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const json = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (req.url === '/metrics') return json(200, JSON.stringify({ latency: { p95: 412.5, p50: '120' } }));
      if (req.url === '/broken') return json(500, '{}');
      if (req.url === '/html') return json(200, '<html>');
      if (req.url === '/huge') return json(200, `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`);
      return json(404, '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = (urlPath: string, value = 'latency.p95') =>
    createHttpJsonProbe(probeConfig('http-json', `url: "${base}${urlPath}", value: ${value}, max: 500`));

  it('reads a number (or numeric string) at a dotted path', async () => {
    await expect(run(probe('/metrics'))).resolves.toEqual({ kind: 'value', value: 412.5 });
    await expect(run(probe('/metrics', 'latency.p50'))).resolves.toEqual({ kind: 'value', value: 120 });
  });

  it('explains what is wrong with the answer', async () => {
    await expect(run(probe('/metrics', 'latency.p99'))).rejects.toThrow(
      `no number at "latency.p99" in the answer of ${base}/metrics`,
    );
    await expect(run(probe('/broken'))).rejects.toThrow(`${base}/broken answered HTTP 500`);
    await expect(run(probe('/html'))).rejects.toThrow(`${base}/html did not answer JSON`);
    await expect(run(probe('/huge'))).rejects.toThrow('answer too large');
  });

  it('says when the service is not reachable', async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(spare.address() as AddressInfo).port}/m`;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const closed = createHttpJsonProbe(probeConfig('http-json', `url: "${url}", value: a`));
    await expect(run(closed)).rejects.toThrow(`${url} is not reachable (ECONNREFUSED)`);
  });
});
