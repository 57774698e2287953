// The probe contract. A probe measures one thing and returns a Measurement; the runner adds
// timing, status (against the probe's target or bounds), history and error handling, so
// every probe kind only has to know how to read its source.

import { z } from 'zod';
import { documentedIssueSchema, reportTaskSchema } from '../reports/types.js';

export type { DocumentedIssue, ReportTask } from '../reports/types.js';

/** One test of a pass/fail probe (the DriveSheetsSync production tests are the model). */
const testOutcomeSchema = z.object({
  name: z.string(),
  status: z.enum(['pass', 'fail', 'skip']),
  message: z.string().optional(),
});

/** What a probe measured; a stored one is read back through this with the same care as any input. */
export const measurementSchema = z.discriminatedUnion('kind', [
  /** covered of total, e.g. fingerprinted items of the library. */
  z.object({ kind: z.literal('ratio'), covered: z.number(), total: z.number() }),
  /** A single number, e.g. a p95 latency. */
  z.object({ kind: z.literal('value'), value: z.number(), unit: z.string().optional() }),
  /** A test run or command: passed overall or not, with per-test detail when there is any. */
  z.object({
    kind: z.literal('tests'),
    passed: z.boolean(),
    passedCount: z.number().optional(),
    failedCount: z.number().optional(),
    tests: z.array(testOutcomeSchema).optional(),
    summary: z.string().optional(),
    /** When the tests ran (push results say so); the runner's time otherwise. */
    ranAt: z.string().optional(),
  }),
  /** The newest audit report: its tasks and documented issues. */
  z.object({
    kind: z.literal('report'),
    file: z.string(),
    title: z.string(),
    generatedAt: z.string().optional(),
    tasks: z.array(reportTaskSchema),
    issues: z.array(documentedIssueSchema),
    warnings: z.array(z.string()),
  }),
]);
export type Measurement = Readonly<z.infer<typeof measurementSchema>>;

export const probeStatusSchema = z.enum(['ok', 'below_target', 'failing', 'stale', 'error']);
export type ProbeStatus = z.infer<typeof probeStatusSchema>;

/** One stored measurement of one probe: what `/audit status` shows. */
export interface ProbeResult {
  readonly probeId: string;
  readonly status: ProbeStatus;
  /** Absent when the probe failed before measuring anything. */
  readonly measurement?: Measurement;
  /** ISO time the measurement was taken (for push probes: when the tests ran). */
  readonly measuredAt: string;
  readonly durationMs: number;
  /** Short text for the user when status is error (or why it is failing/stale). */
  readonly error?: string;
}

export interface ProbeContext {
  /** Aborted when the probe's timeout passes or the bot stops. */
  readonly signal: AbortSignal;
  readonly now: () => Date;
}

export interface Probe {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  /** Where the figure comes from, for the detail view ("Eagle at http://localhost:41595"). */
  readonly source: string;
  /**
   * The full story, shown to approvers only when it says more than `source` (a command
   * probe's whole command line: paths and arguments are not every member's business).
   */
  readonly sourceDetail?: string;
  run(context: ProbeContext): Promise<Measurement>;
}

/** A probe failure with a short text meant for the user (no stack, no secrets). */
export class ProbeError extends Error {
  /** Nothing to measure yet (a push probe nobody has posted to): "never measured", not an error. */
  readonly noData: boolean;

  constructor(message: string, options?: { cause?: unknown; noData?: boolean }) {
    super(message, options);
    this.name = 'ProbeError';
    this.noData = options?.noData ?? false;
  }
}

type ProbeEntry = { readonly id: string; readonly kind: string; readonly title?: string };

/** What every Probe takes from its entry in the config file. */
export function probeIdentity(probe: ProbeEntry): Pick<Probe, 'id' | 'kind' | 'title'> {
  return { id: probe.id, kind: probe.kind, title: probe.title ?? probe.id };
}

/** A configured probe whose outside system is not: it exists, and every run says why it fails. */
export function unavailableProbe(probe: ProbeEntry, source: string, reason: string): Probe {
  return {
    ...probeIdentity(probe),
    source,
    async run() {
      throw new ProbeError(reason);
    },
  };
}
