// `report` probes: the newest markdown audit report in the reports folder, parsed into its
// tasks and documented issues (status shows the open tasks; proposals use the issues).

import { open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { findNewestReport } from '../reports/files.js';
import { parseAuditReport } from '../reports/parser.js';
import { defineProbeKind, probeBase } from './kind.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

const reportProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('report'),
  /** Defaults to `reports.dir`. */
  dir: z.string().optional(),
});
type ReportProbeConfig = z.output<typeof reportProbeSchema>;

export const reportKind = defineProbeKind({
  kind: 'report',
  schema: reportProbeSchema,
  defaultTimeoutMs: 10_000,
  defaultRefresh: '*/5 * * * *',
  resolvePaths: (probe, at) => (probe.dir ? { ...probe, dir: at(probe.dir) } : probe),
  // The config file requires one of the two folders.
  create: (probe, context) =>
    createReportProbe(probe, { reportsDir: probe.dir ?? context.reportsDir ?? '.' }),
});

export const REPORT_MAX_BYTES = 2 * 1024 * 1024;

export function createReportProbe(config: ReportProbeConfig, deps: { reportsDir: string }): Probe {
  return {
    ...probeIdentity(config),
    source: `audit reports in ${deps.reportsDir}`,
    async run(): Promise<Measurement> {
      const file = findNewestReport(deps.reportsDir);
      if (!file) throw new ProbeError(`no audit report (*.md) in ${deps.reportsDir}`);
      const text = await readBounded(file, REPORT_MAX_BYTES);
      // Everything the parser read but the name of the audit the report came from.
      const { sourceAudit, ...report } = parseAuditReport(text, path.basename(file));
      return { kind: 'report', file: path.basename(file), ...report };
    },
  };
}

async function readBounded(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0);
    if (bytesRead > maxBytes) throw new ProbeError(`${path.basename(file)} is larger than ${maxBytes} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
