// `sqlite` probes: two configured SELECT statements (total and covered) against a database
// opened read-only. better-sqlite3 is synchronous, so the queries run in a worker thread
// that is terminated on timeout: a slow query can never stall `/audit status`.

import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { defineProbeKind, probeBase, ratioTarget } from './kind.js';
import { assertPossible } from './measurement.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

const selectSql = z
  .string()
  // WITH … SELECT is read-only too; the worker also refuses any statement that writes.
  .regex(/^\s*(select|with)\b/i, { message: 'must be a single SELECT statement' })
  .refine((sql) => !/;\s*\S/.test(sql), { message: 'must be a single SELECT statement' });

const sqliteProbeSchema = z.strictObject({
  ...probeBase,
  ...ratioTarget,
  kind: z.literal('sqlite'),
  path: z.string().min(1),
  total_sql: selectSql,
  covered_sql: selectSql,
});
type SqliteProbeConfig = z.output<typeof sqliteProbeSchema>;

export const sqliteKind = defineProbeKind({
  kind: 'sqlite',
  schema: sqliteProbeSchema,
  defaultTimeoutMs: 30_000,
  defaultRefresh: '*/15 * * * *',
  resolvePaths: (probe, at) => ({ ...probe, path: at(probe.path) }),
  create: (probe) => createSqliteProbe(probe),
});

// Plain JavaScript, evaluated in the worker; it reports {covered,total} or {error}.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
function count(db, sql, label) {
  const statement = db.prepare(sql);
  if (!statement.reader || !statement.readonly) throw new Error(label + ' is not a read-only SELECT');
  const value = statement.pluck().get();
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new Error(label + ' did not return a number');
  return number;
}
try {
  const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  try {
    const total = count(db, workerData.totalSql, 'total_sql');
    const covered = count(db, workerData.coveredSql, 'covered_sql');
    parentPort.postMessage({ total, covered });
  } finally { db.close(); }
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error), code: error && error.code });
}
`;

const answerSchema = z.union([
  z.object({ total: z.number(), covered: z.number() }),
  z.object({ error: z.string(), code: z.string().optional().nullable() }),
]);

export function createSqliteProbe(config: SqliteProbeConfig): Probe {
  return {
    ...probeIdentity(config),
    source: `SQLite ${config.path}`,
    // Checked here, not in the worker's message handler, where a throw would not reject.
    run: async ({ signal }) => assertPossible(await runInWorker(config, signal)),
  };
}

function runInWorker(config: SqliteProbeConfig, signal: AbortSignal): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ProbeError('cancelled before it started'));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: import.meta.resolve('better-sqlite3').replace(/^file:\/\//, ''),
        path: config.path,
        totalSql: config.total_sql,
        coveredSql: config.covered_sql,
      },
    });
    const onAbort = () => {
      void worker.terminate();
      reject(new ProbeError('the queries took too long and were stopped'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = () => signal.removeEventListener('abort', onAbort);
    worker.once('message', (raw: unknown) => {
      finish();
      void worker.terminate();
      const answer = answerSchema.safeParse(raw);
      if (!answer.success) return reject(new ProbeError('the query worker answered something unexpected'));
      if ('error' in answer.data)
        return reject(new ProbeError(explain(config.path, answer.data.error, answer.data.code)));
      const { covered, total } = answer.data;
      resolve({ kind: 'ratio', covered, total });
    });
    worker.once('error', (error) => {
      finish();
      reject(new ProbeError(`the query worker failed: ${error.message}`));
    });
  });
}

function explain(file: string, message: string, code: string | null | undefined): string {
  if (code === 'SQLITE_CANTOPEN' || /does not exist/.test(message)) return `database not found: ${file}`;
  if (code === 'SQLITE_NOTADB') return `not an SQLite database: ${file}`;
  return message;
}
