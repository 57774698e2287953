import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Config,
  loadConfigFile,
  loadEnv,
  parseConfig,
  resolveConfigPath,
} from '../../src/config/index.js';
import { ConfigError } from '../../src/kit/errors.js';
import { parseDuration } from '../../src/kit/schemas.js';

/** Where the parsed text pretends to live: relative paths in it resolve against this folder. */
const CONFIG_DIR = path.resolve(path.sep, 'srv', 'audit-bot');
const CONFIG_FILE = path.join(CONFIG_DIR, 'audit-bot.yml');

/** YAML text from lines, so indentation in the table below stays readable. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function configError(text: string, file = CONFIG_FILE): ConfigError {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected the config to be rejected:\n${text}`);
}

function envError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected the environment to be rejected: ${Object.keys(env).join(', ')}`);
}

const NOTION_ID = '229e73616c27808ebf06c202b10b5166';
const SQLITE_PROBE = '{ kind: sqlite, path: x.db, total_sql: SELECT 1, covered_sql: SELECT 1 }';

// Copied from DESIGN.md, "Config file". The document writes the Notion data source id as the
// placeholder `0123abcd...`, which is (rightly) not a valid id; EXAMPLE_CONFIG fills it in.
const DESIGN_EXAMPLE = `
timezone: Europe/Berlin            # IANA zone for schedules and displayed times
slack:
  channels: { digest: C0DIGEST, alerts: C0ALERTS, issues: C0ISSUES }   # channel IDs
  approvers: [U0APPROVER]          # user IDs allowed to approve issues and silence alerts
  permissions:                     # optional, per action; user IDs (U…) or user-group IDs (S…)
    approve_issues: [U0APPROVER, S0OPSLEADS]
    silence_alerts: [S0ONCALL]
probes:
  - id: fingerprint-coverage       # [a-z0-9-]+, unique
    title: Fingerprint coverage
    kind: notion                   # notion | eagle | sqlite | http-json | command | push | report
    data_source: 0123abcd...       # Notion data source id (a database id is resolved to its data source)
    covered_when: { property: Fingerprint, is_not_empty: true }
    target: 0.80                   # ratio probes: ok when covered/total >= target
    refresh: "*/30 * * * *"        # background refresh schedule (cron, config timezone)
  - id: eagle-fingerprints
    kind: eagle
    url: http://localhost:41595
    covered_when: { tag_prefix: "fp:" }        # or { annotation_regex: "..." }
    target: 0.80
  - id: djay-id-sync
    kind: sqlite
    path: ./data/djay.sqlite
    total_sql: SELECT COUNT(*) FROM tracks
    covered_sql: SELECT COUNT(*) FROM tracks WHERE djay_id IS NOT NULL
    target: 0.90
  - id: dashboard-p95
    kind: http-json
    url: http://localhost:8080/metrics
    value: latency.p95             # dotted path to a number
    max: 500                       # value probes: ok when min <= value <= max
  - id: drivesheets-tests
    kind: push                     # results arrive at POST /probes/drivesheets-tests/results
    stale_after: 48h
  - id: dashboard-modules
    kind: command
    run: [python3, -m, py_compile, websocket_handler.py]
    timeout: 60s                   # ok when exit 0; stdout JSON {covered,total} or {value} also accepted
reports:
  dir: ./plans                     # audit reports (markdown); the newest drives tasks and proposals
digests:
  - id: morning
    cron: "0 8 * * 1-5"            # 5 or 6 fields (seconds first when 6)
    channel: C0DIGEST
    probes: [fingerprint-coverage, djay-id-sync, drivesheets-tests]
alerts:
  default_channel: C0ALERTS
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
notion:
  issues:
    data_source: 229e73616c27808ebf06c202b10b5166
    properties: { title: Name, priority: Priority, type: Type }   # optional; discovered otherwise
`;
const EXAMPLE_DATA_SOURCE = '0123abcd0123abcd0123abcd0123abcd';
const EXAMPLE_CONFIG = DESIGN_EXAMPLE.replace('0123abcd...', EXAMPLE_DATA_SOURCE);

const HOUR = 3_600_000;

describe('parseConfig: valid files', () => {
  it('accepts the DESIGN.md example and applies defaults', () => {
    const config = parseConfig(EXAMPLE_CONFIG, CONFIG_FILE);

    expect(config.source).toBe(CONFIG_FILE);
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.slack).toEqual({
      channels: { digest: 'C0DIGEST', alerts: 'C0ALERTS', issues: 'C0ISSUES' },
      approvers: ['U0APPROVER'],
      permissions: { approve_issues: ['U0APPROVER', 'S0OPSLEADS'], silence_alerts: ['S0ONCALL'] },
    });
    expect(config.probes.map((p) => `${p.id}:${p.kind}`)).toEqual([
      'fingerprint-coverage:notion',
      'eagle-fingerprints:eagle',
      'djay-id-sync:sqlite',
      'dashboard-p95:http-json',
      'drivesheets-tests:push',
      'dashboard-modules:command',
    ]);
    expect(config.probes[0]).toEqual({
      id: 'fingerprint-coverage',
      title: 'Fingerprint coverage',
      kind: 'notion',
      data_source: EXAMPLE_DATA_SOURCE,
      covered_when: { property: 'Fingerprint', is_not_empty: true },
      target: 0.8,
      refresh: '*/30 * * * *',
      full_scan_every: 24 * HOUR,
    });
    expect(config.probes[1]).toMatchObject({ covered_when: { tag_prefix: 'fp:' }, target: 0.8 });
    expect(config.probes[3]).toMatchObject({ value: 'latency.p95', max: 500 });
    expect(config.probes[4]).toMatchObject({ stale_after: 48 * HOUR });
    expect(config.probes[5]).toMatchObject({
      run: ['python3', '-m', 'py_compile', 'websocket_handler.py'],
      timeout: 60_000,
    });
    expect(config.digests).toEqual([
      {
        id: 'morning',
        cron: '0 8 * * 1-5',
        channel: 'C0DIGEST',
        probes: ['fingerprint-coverage', 'djay-id-sync', 'drivesheets-tests'],
        grace: 2 * HOUR,
        refresh_wait: 60_000,
      },
    ]);
    expect(config.alerts).toEqual({
      default_channel: 'C0ALERTS',
      routes: [{ match: { severity: 'critical' }, channel: 'C0CRIT' }],
      rate_per_channel: 1,
      burst: 3,
      max_open_groups_per_source: 50,
      visible_to: 'channel_members',
    });
    expect(config.notion.issues).toEqual({
      data_source: NOTION_ID,
      poll_every: 120_000,
      close_after: 2,
      properties: { title: 'Name', priority: 'Priority', type: 'Type' },
      claim_lease: 5 * 60_000,
    });
  });

  it("resolves relative paths against the config file's folder", () => {
    const config = parseConfig(EXAMPLE_CONFIG, CONFIG_FILE);

    expect(config.probes[2]).toMatchObject({ path: path.join(CONFIG_DIR, 'data', 'djay.sqlite') });
    expect(config.probes[5]).toMatchObject({ cwd: CONFIG_DIR });
    expect(config.reports).toEqual({ dir: path.join(CONFIG_DIR, 'plans') });
  });

  it('keeps absolute paths and resolves a relative config path against the working directory', () => {
    const absolute = path.resolve(path.sep, 'var', 'lib', 'djay.sqlite');
    const config = parseConfig(
      yaml(
        'probes:',
        `  - { id: a, kind: sqlite, path: ${absolute}, total_sql: SELECT 1, covered_sql: SELECT 1 }`,
      ),
      path.join('conf', 'audit-bot.yml'),
    );

    expect(config.source).toBe(path.resolve('conf', 'audit-bot.yml'));
    expect(config.probes[0]).toMatchObject({ path: absolute });
  });

  it.each([
    { name: 'an empty mapping', text: '{}\n' },
    { name: 'an empty file', text: '' },
    { name: 'a file with only comments', text: '# nothing configured yet\n' },
  ])('accepts $name and fills in defaults', ({ text }) => {
    const config: Config = parseConfig(text, CONFIG_FILE);

    expect(config).toEqual({
      source: CONFIG_FILE,
      timezone: 'UTC',
      slack: { channels: {}, approvers: [], permissions: {} },
      probes: [],
      reports: undefined,
      digests: [],
      alerts: {
        routes: [],
        rate_per_channel: 1,
        burst: 3,
        max_open_groups_per_source: 50,
        visible_to: 'channel_members',
      },
      notion: {},
      retention: {
        interval: 3_600_000,
        probe_results: { max_age: 90 * 86_400_000, max_bytes: 100_000_000 },
        push_results: { max_age: 30 * 86_400_000, max_bytes: 50_000_000 },
        alert_inbox: { max_age: 14 * 86_400_000, max_bytes: 50_000_000 },
        digest_runs: { max_age: 365 * 86_400_000 },
        alert_groups: { max_age: 30 * 86_400_000 },
        notion_pages: { max_age: 7 * 86_400_000 },
      },
    });
  });

  it('accepts 5-field and 6-field (seconds first) cron expressions', () => {
    const config = parseConfig(
      yaml(
        'probes:',
        '  - { id: five, kind: push, refresh: "*/30 * * * *" }',
        '  - { id: six, kind: push, refresh: "0 */30 * * * *" }',
      ),
      CONFIG_FILE,
    );

    expect(config.probes.map((p) => p.refresh)).toEqual(['*/30 * * * *', '0 */30 * * * *']);
  });

  it('normalises a dashed, upper-case Notion id and accepts covered_when.equals', () => {
    const config = parseConfig(
      yaml(
        'probes:',
        '  - id: done',
        '    kind: notion',
        '    data_source: 229E7361-6C27-808E-BF06-C202B10B5166',
        '    covered_when: { property: Status, equals: Done }',
        '    full_scan_every: 6h',
      ),
      CONFIG_FILE,
    );

    expect(config.probes[0]).toMatchObject({
      data_source: NOTION_ID,
      covered_when: { property: 'Status', equals: 'Done' },
      full_scan_every: 6 * HOUR,
    });
  });

  it('lets a digest without a channel fall back to slack.channels.digest', () => {
    const config = parseConfig(
      yaml('slack: { channels: { digest: C0DIGEST } }', 'digests:', '  - { id: daily, cron: "0 8 * * *" }'),
      CONFIG_FILE,
    );

    expect(config.digests).toEqual([
      { id: 'daily', cron: '0 8 * * *', probes: [], grace: 2 * HOUR, refresh_wait: 60_000 },
    ]);
  });

  it('accepts a SELECT ending in a semicolon', () => {
    const config = parseConfig(
      yaml(
        'probes:',
        '  - { id: a, kind: sqlite, path: x.db, total_sql: "SELECT 1;", covered_sql: "select 1;  " }',
      ),
      CONFIG_FILE,
    );

    expect(config.probes).toHaveLength(1);
  });
});

describe('parseConfig: bad files', () => {
  it.each<{ name: string; text: string; problems: string[] }>([
    {
      name: 'target out of range',
      text: yaml(
        'probes:',
        '  - { id: a, kind: push }',
        '  - { id: b, kind: push }',
        '  - { id: c, kind: eagle, covered_when: { tag_prefix: "fp:" }, target: 1.5 }',
      ),
      problems: ['probes[2].target: must be between 0 and 1'],
    },
    {
      name: 'negative target',
      text: yaml('probes:', `  - { id: c, target: -0.1, ${SQLITE_PROBE.slice(2)}`),
      problems: ['probes[0].target: must be between 0 and 1'],
    },
    {
      name: 'target written as a percentage',
      text: yaml('probes:', '  - { id: c, kind: eagle, covered_when: { tag_prefix: x }, target: "80%" }'),
      problems: ['probes[0].target: must be a number'],
    },
    {
      name: 'unknown top-level key',
      text: yaml('colour: red'),
      problems: ['colour: unknown key'],
    },
    {
      name: 'unknown key in a probe',
      text: yaml('probes:', '  - { id: a, kind: push, bogus: 1 }'),
      problems: ['probes[0].bogus: unknown key'],
    },
    {
      name: 'unknown key deeper down',
      text: yaml('notion:', `  issues: { data_source: ${NOTION_ID}, properties: { titel: Name } }`),
      problems: ['notion.issues.properties.titel: unknown key'],
    },
    {
      name: 'unknown permission',
      text: yaml('slack:', '  permissions: { nuke: [U0ADMIN] }'),
      problems: ['slack.permissions.nuke: unknown key'],
    },
    {
      name: 'unknown probe kind',
      text: yaml('probes:', '  - { id: a, kind: ftp }'),
      problems: ['probes[0].kind: must be one of notion, eagle, sqlite, http-json, command, push, report'],
    },
    {
      name: 'probe without kind',
      text: yaml('probes:', '  - { id: a }'),
      problems: ['probes[0].kind: must be one of notion, eagle, sqlite, http-json, command, push, report'],
    },
    {
      name: 'missing required key',
      text: yaml('probes:', '  - { id: a, kind: sqlite, path: x.db, total_sql: SELECT 1 }'),
      problems: ['probes[0].covered_sql: is required'],
    },
    {
      name: 'probe without id',
      text: yaml('probes:', '  - { kind: push }'),
      problems: ['probes[0].id: is required'],
    },
    {
      name: 'bad probe id characters',
      text: yaml('probes:', '  - { id: Fingerprint_Coverage, kind: push }'),
      problems: ['probes[0].id: must use only a-z, 0-9 and -'],
    },
    {
      name: 'duplicate probe id',
      text: yaml(
        'probes:',
        '  - { id: a, kind: push }',
        '  - { id: b, kind: push }',
        '  - { id: a, kind: push }',
      ),
      problems: ['probes[2].id: "a" is already used by probes[0]'],
    },
    {
      name: 'duplicate digest id',
      text: yaml(
        'slack: { channels: { digest: C0DIGEST } }',
        'digests:',
        '  - { id: m, cron: "0 8 * * *" }',
        '  - { id: m, cron: "0 9 * * *" }',
      ),
      problems: ['digests[1].id: "m" is used by another digest'],
    },
    {
      name: 'cron with 61 minutes',
      text: yaml('probes:', '  - { id: a, kind: push, refresh: "61 * * * *" }'),
      problems: ['probes[0].refresh: is not a valid cron expression (minute "61")'],
    },
    {
      name: 'cron with 4 fields',
      text: yaml('probes:', '  - { id: a, kind: push, refresh: "* * * *" }'),
      problems: [
        'probes[0].refresh: must be a cron expression with 5 fields (or 6 with seconds first), got 4',
      ],
    },
    {
      name: 'digest cron with 7 fields',
      text: yaml('digests:', '  - { id: m, channel: C0D, cron: "0 0 8 * * 1-5 2026" }'),
      problems: ['digests[0].cron: must be a cron expression with 5 fields (or 6 with seconds first), got 7'],
    },
    {
      name: 'bad timezone',
      text: yaml('timezone: Europe/Nowhere'),
      problems: ['timezone: must be an IANA time zone such as Europe/Berlin or UTC'],
    },
    {
      name: 'channel given as #general',
      text: yaml('slack:', '  channels: { digest: "#general" }'),
      problems: ['slack.channels.digest: must be a Slack channel ID such as C0123ABCD (not a #name)'],
    },
    {
      name: 'alert route channel given by name',
      text: yaml('alerts:', '  routes:', '    - { match: { severity: critical }, channel: ops }'),
      problems: ['alerts.routes[0].channel: must be a Slack channel ID such as C0123ABCD (not a #name)'],
    },
    {
      name: 'approver not a user id',
      text: yaml('slack:', '  approvers: [U0APPROVER, alice]'),
      problems: ['slack.approvers[1]: must be a Slack user ID such as U0123ABCD'],
    },
    {
      name: 'permission given a channel id',
      text: yaml('slack:', '  permissions: { approve_issues: [C0ISSUES] }'),
      problems: ['slack.permissions.approve_issues[0]: must be a Slack user ID (U…) or user-group ID (S…)'],
    },
    {
      name: 'bad duration',
      text: yaml('probes:', '  - { id: a, kind: push, stale_after: 2 days }'),
      problems: ['probes[0].stale_after: must be a duration like 30s, 15m, 48h or 1d (got "2 days")'],
    },
    {
      name: 'zero duration',
      text: yaml('probes:', '  - { id: a, kind: push, timeout: 0s }'),
      problems: ['probes[0].timeout: must be a duration like 30s, 15m, 48h or 1d (got "0s")'],
    },
    {
      name: 'issue claim lease too short to create anything',
      text: yaml('notion:', `  issues: { data_source: ${NOTION_ID}, claim_lease: 500ms }`),
      problems: ['notion.issues.claim_lease: must be at least 1s'],
    },
    {
      name: 'duration without unit',
      text: yaml('digests:', '  - { id: m, channel: C0D, cron: "0 8 * * *", grace: 30 }'),
      problems: ['digests[0].grace: must be a string'],
    },
    {
      name: 'notion data_source not 32 hex digits',
      text: yaml(
        'probes:',
        '  - { id: a, kind: notion, data_source: 0123abcd, covered_when: { property: F, is_not_empty: true } }',
      ),
      problems: ['probes[0].data_source: must be a Notion id of 32 hex digits'],
    },
    {
      name: 'notion covered_when with neither is_not_empty nor equals',
      text: yaml(
        'probes:',
        `  - { id: a, kind: notion, data_source: ${NOTION_ID}, covered_when: { property: F } }`,
      ),
      problems: ['probes[0].covered_when: must have exactly one of is_not_empty: true or equals: <value>'],
    },
    {
      name: 'notion covered_when with both is_not_empty and equals',
      text: yaml(
        'probes:',
        `  - id: a`,
        '    kind: notion',
        `    data_source: ${NOTION_ID}`,
        '    covered_when: { property: F, is_not_empty: true, equals: Done }',
      ),
      problems: ['probes[0].covered_when: must have exactly one of is_not_empty: true or equals: <value>'],
    },
    {
      name: 'eagle covered_when with an unknown key',
      text: yaml('probes:', '  - { id: a, kind: eagle, covered_when: { tag: "fp:" } }'),
      problems: ['probes[0].covered_when: must be { tag_prefix: "..." } or { annotation_regex: "..." }'],
    },
    {
      name: 'eagle covered_when as a string',
      text: yaml('probes:', '  - { id: a, kind: eagle, covered_when: "fp:" }'),
      problems: ['probes[0].covered_when: must be { tag_prefix: "..." } or { annotation_regex: "..." }'],
    },
    {
      name: 'eagle covered_when with both forms',
      text: yaml(
        'probes:',
        '  - { id: a, kind: eagle, covered_when: { tag_prefix: "fp:", annotation_regex: x } }',
      ),
      problems: ['probes[0].covered_when: must be { tag_prefix: "..." } or { annotation_regex: "..." }'],
    },
    {
      name: 'eagle annotation_regex that does not compile',
      text: yaml('probes:', '  - { id: a, kind: eagle, covered_when: { annotation_regex: "fp:(" } }'),
      problems: ['probes[0].covered_when.annotation_regex: must be a valid regular expression'],
    },
    {
      name: 'sqlite SQL that is not a SELECT, and two statements',
      text: yaml(
        'probes:',
        '  - id: a',
        '    kind: sqlite',
        '    path: x.db',
        '    total_sql: DELETE FROM tracks',
        '    covered_sql: SELECT COUNT(*) FROM tracks; DROP TABLE tracks',
      ),
      problems: [
        'probes[0].total_sql: must be a single SELECT statement',
        'probes[0].covered_sql: must be a single SELECT statement',
      ],
    },
    {
      name: 'http-json min greater than max',
      text: yaml(
        'probes:',
        '  - { id: a, kind: http-json, url: "http://x/m", value: latency.p95, min: 10, max: 5 }',
      ),
      problems: ['probes[0].min: must not be greater than max (5)'],
    },
    {
      name: 'http-json with a non-http URL and a bad dotted path',
      text: yaml('probes:', '  - { id: a, kind: http-json, url: "ftp://x/m", value: "latency..p95" }'),
      problems: [
        'probes[0].url: must be an http(s) URL',
        'probes[0].value: must be a dotted path such as latency.p95',
      ],
    },
    {
      name: 'command given as one string',
      text: yaml('probes:', '  - { id: c, kind: command, run: "python3 -m py_compile x.py" }'),
      problems: ['probes[0].run: must be an array'],
    },
    {
      name: 'command with an empty list',
      text: yaml('probes:', '  - { id: c, kind: command, run: [] }'),
      problems: ['probes[0].run: must name the program to run, as a list: [python3, -m, …]'],
    },
    {
      name: 'report probe without any folder',
      text: yaml('probes:', '  - { id: r, kind: report }'),
      problems: ['reports.dir: is required by the report probe'],
    },
    {
      name: 'digest referencing an unknown probe',
      text: yaml(
        'slack: { channels: { digest: C0DIGEST } }',
        'probes:',
        '  - { id: a, kind: push }',
        'digests:',
        '  - { id: morning, cron: "0 8 * * *", probes: [a, nope] }',
      ),
      problems: ['digests[0].probes[1]: no probe has id "nope"'],
    },
    {
      name: 'digest without channel when slack.channels.digest is unset',
      text: yaml('digests:', '  - { id: morning, cron: "0 8 * * *" }'),
      problems: ['digests[0].channel: is required when slack.channels.digest is not set'],
    },
    {
      name: 'probes written as a mapping',
      text: yaml('probes: { id: a, kind: push }'),
      problems: ['probes: must be an array'],
    },
    {
      name: 'a list at the top level',
      text: yaml('- id: a', '  kind: push'),
      problems: ['(top level): must be an object'],
    },
    {
      name: 'YAML syntax error',
      text: yaml('probes:', '  - id: a', '   kind: push'),
      problems: ['audit-bot.yml:3:1: Sequence item without - indicator'],
    },
    {
      name: 'YAML tab indentation',
      text: yaml('probes:', '\t- { id: a, kind: push }'),
      problems: ['audit-bot.yml:2:1: Tabs are not allowed as indentation'],
    },
    {
      name: 'duplicate YAML key',
      text: yaml('timezone: UTC', 'probes: []', 'timezone: Europe/Berlin'),
      problems: ['audit-bot.yml:3:1: Map keys must be unique'],
    },
    {
      name: 'several problems at once',
      text: yaml(
        'colour: red',
        'timezone: Mars/Olympus_Mons',
        'slack: { approvers: [alice] }',
        'probes:',
        '  - { id: A, kind: push }',
        '  - { id: b, kind: eagle, covered_when: { tag_prefix: x }, target: 2 }',
        'digests:',
        '  - { id: m, cron: "* * *", probes: [zzz] }',
      ),
      problems: [
        'timezone: must be an IANA time zone such as Europe/Berlin or UTC',
        'slack.approvers[0]: must be a Slack user ID such as U0123ABCD',
        'probes[0].id: must use only a-z, 0-9 and -',
        'probes[1].target: must be between 0 and 1',
        'digests[0].cron: must be a cron expression with 5 fields (or 6 with seconds first), got 3',
        'colour: unknown key',
        'digests[0].probes[0]: no probe has id "zzz"',
        'digests[0].channel: is required when slack.channels.digest is not set',
      ],
    },
  ])('$name', ({ text, problems }) => {
    const error = configError(text);

    expect(error.code).toBe('config_invalid');
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe(`${CONFIG_FILE}: ${problems.length} problem(s)\n${problems.join('\n')}`);
  });

  it('rejects the DESIGN.md example as written only for its placeholder Notion id', () => {
    expect(configError(DESIGN_EXAMPLE).problems).toEqual([
      'probes[0].data_source: must be a Notion id of 32 hex digits',
    ]);
  });

  it('names the file by its base name in YAML syntax errors', () => {
    const error = configError('timezone: "UTC\n', path.join(CONFIG_DIR, 'staging.yml'));

    expect(error.problems).toEqual(['staging.yml:2:1: Missing closing "quote']);
  });
});

describe('loadConfigFile and resolveConfigPath', () => {
  const folders: string[] = [];
  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-'));
    folders.push(dir);
    return dir;
  }
  afterEach(() => {
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file and resolves its relative paths against its folder', () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit-bot.yml');
    fs.writeFileSync(file, EXAMPLE_CONFIG);

    const config = loadConfigFile(file);

    expect(config.source).toBe(file);
    expect(config.reports).toEqual({ dir: path.join(dir, 'plans') });
    expect(config.probes[2]).toMatchObject({ path: path.join(dir, 'data', 'djay.sqlite') });
  });

  it('reports a missing file by its path', () => {
    const file = path.join(tempDir(), 'missing.yml');
    let caught: unknown;
    try {
      loadConfigFile(file);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ problems: [`${file}: file not found`] });
  });

  it('prefers the explicit path, then ./audit-bot.yml, then the bundled example', () => {
    const dir = tempDir();

    expect(resolveConfigPath('conf/bot.yml', dir)).toBe(path.join(dir, 'conf', 'bot.yml'));
    expect(resolveConfigPath(undefined, dir)).toMatch(/[\\/]examples[\\/]audit-bot\.yml$/);

    fs.writeFileSync(path.join(dir, 'audit-bot.yml'), '{}\n');
    expect(resolveConfigPath(undefined, dir)).toBe(path.join(dir, 'audit-bot.yml'));
    expect(resolveConfigPath('', dir)).toBe(path.join(dir, 'audit-bot.yml'));
  });
});

describe('parseDuration', () => {
  it.each<{ text: string; ms: number | undefined }>([
    { text: '500ms', ms: 500 },
    { text: '90s', ms: 90_000 },
    { text: '15m', ms: 900_000 },
    { text: '48h', ms: 48 * HOUR },
    { text: '1d', ms: 24 * HOUR },
    { text: '1.5h', ms: 5_400_000 },
    { text: ' 30s ', ms: 30_000 },
    { text: '5 m', ms: 300_000 },
    { text: '0s', ms: 0 },
    { text: '2 days', ms: undefined },
    { text: '48', ms: undefined },
    { text: '', ms: undefined },
    { text: '-5m', ms: undefined },
    { text: '5M', ms: undefined },
    { text: '1h30m', ms: undefined },
    { text: 'h', ms: undefined },
  ])('parseDuration($text) = $ms', ({ text, ms }) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('loadEnv', () => {
  it('runs the shell transport on 127.0.0.1 with no Slack variables', () => {
    expect(loadEnv({})).toEqual({
      slackApiUrl: 'https://slack.com/api/',
      transport: { kind: 'shell' },
      notionToken: undefined,
      notionBaseUrl: 'https://api.notion.com',
      alertmanagerUrl: undefined,
      configPath: undefined,
      dbPath: './data/audit-bot.db',
      webhookToken: undefined,
      shellUser: undefined,
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      childEnv: {},
    });
  });

  it('runs HTTP mode on 0.0.0.0 with a bot token and signing secret', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'shh' });

    expect(env.transport).toEqual({ kind: 'http', botToken: 'xoxb-1-2-abc', signingSecret: 'shh' });
    expect(env.host).toBe('0.0.0.0');
  });

  it('runs Socket Mode with a bot token and app token, even when a signing secret is also set', () => {
    const socket = { kind: 'socket', botToken: 'xoxb-1-2-abc', appToken: 'xapp-1-A-xyz' };

    expect(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-xyz' }).transport).toEqual(
      socket,
    );
    expect(
      loadEnv({
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_APP_TOKEN: 'xapp-1-A-xyz',
        SLACK_SIGNING_SECRET: 'shh',
      }).transport,
    ).toEqual(socket);
    expect(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-xyz' }).host).toBe(
      '0.0.0.0',
    );
  });

  it('reads the other variables and normalises URLs', () => {
    const env = loadEnv({
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      NOTION_TOKEN: ' secret_abc ',
      NOTION_BASE_URL: 'http://127.0.0.1:9998/',
      ALERTMANAGER_URL: 'http://127.0.0.1:9093//',
      AUDIT_BOT_CONFIG: 'conf/bot.yml',
      AUDIT_BOT_DB: '/var/lib/audit-bot/db.sqlite',
      AUDIT_BOT_WEBHOOK_TOKEN: '0123456789abcdef',
      AUDIT_BOT_SHELL_USER: 'U0APPROVER',
      PORT: '8080',
      HOST: '::1',
      LOG_LEVEL: 'debug',
    });

    expect(env).toEqual({
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      transport: { kind: 'shell' },
      notionToken: 'secret_abc',
      notionBaseUrl: 'http://127.0.0.1:9998',
      alertmanagerUrl: 'http://127.0.0.1:9093',
      configPath: 'conf/bot.yml',
      dbPath: '/var/lib/audit-bot/db.sqlite',
      webhookToken: '0123456789abcdef',
      shellUser: 'U0APPROVER',
      port: 8080,
      host: '::1',
      childEnv: {},
      logLevel: 'debug',
    });
  });

  it('treats empty and blank strings as unset', () => {
    const names = [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
      'NOTION_TOKEN',
      'NOTION_BASE_URL',
      'ALERTMANAGER_URL',
      'AUDIT_BOT_CONFIG',
      'AUDIT_BOT_DB',
      'AUDIT_BOT_WEBHOOK_TOKEN',
      'AUDIT_BOT_SHELL_USER',
      'PORT',
      'HOST',
      'LOG_LEVEL',
    ];

    expect(loadEnv(Object.fromEntries(names.map((name) => [name, ''])))).toEqual(loadEnv({}));
    expect(loadEnv(Object.fromEntries(names.map((name) => [name, '  '])))).toEqual(loadEnv({}));
  });

  it.each<{ name: string; env: NodeJS.ProcessEnv; problems: string[] }>([
    {
      name: 'a bot token alone',
      env: { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' },
      problems: [
        'SLACK_BOT_TOKEN: is set, but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is',
      ],
    },
    {
      name: 'a signing secret without a bot token',
      env: { SLACK_SIGNING_SECRET: 'shh' },
      problems: ['SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set'],
    },
    {
      name: 'a user token (xoxp) as the bot token',
      env: { SLACK_BOT_TOKEN: 'xoxp-1-2-abc', SLACK_SIGNING_SECRET: 'shh' },
      problems: ['SLACK_BOT_TOKEN: must be a bot token starting with xoxb-'],
    },
    {
      name: 'a bot token as the app token',
      env: { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xoxb-1-2-abc' },
      problems: ['SLACK_APP_TOKEN: must be an app-level token starting with xapp-'],
    },
    {
      name: 'PORT that is not a number',
      env: { PORT: 'http' },
      problems: ['PORT: must be a number'],
    },
    {
      name: 'PORT out of range',
      env: { PORT: '70000' },
      problems: ['PORT: must be between 0 and 65535'],
    },
    {
      name: 'unknown LOG_LEVEL',
      env: { LOG_LEVEL: 'verbose' },
      problems: ['LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent'],
    },
    {
      name: 'URLs that are not http(s)',
      env: { SLACK_API_URL: 'slack.com/api', ALERTMANAGER_URL: 'ftp://am:9093' },
      problems: ['SLACK_API_URL: must be an http(s) URL', 'ALERTMANAGER_URL: must be an http(s) URL'],
    },
    {
      name: 'a shell user that is not a user id',
      env: { AUDIT_BOT_SHELL_USER: 'alice' },
      problems: ['AUDIT_BOT_SHELL_USER: must be a Slack user ID such as U0123ABCD'],
    },
  ])('rejects $name', ({ env, problems }) => {
    const error = envError(env);

    expect(error.code).toBe('config_invalid');
    expect(error.problems).toEqual(problems);
  });

  it('rejects a fractional PORT', () => {
    expect(envError({ PORT: '3000.5' }).problems).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it.each<{ name: string; env: NodeJS.ProcessEnv }>([
    {
      name: 'user token as bot token',
      env: { SLACK_BOT_TOKEN: 'xoxp-SECRET-123', SLACK_SIGNING_SECRET: 'x' },
    },
    { name: 'bot token alone', env: { SLACK_BOT_TOKEN: 'xoxb-SECRET-123' } },
    { name: 'wrong app token', env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxp-SECRET-123' } },
    { name: 'signing secret without bot token', env: { SLACK_SIGNING_SECRET: 'xoxp-SECRET-123' } },
    { name: 'secret pasted into PORT', env: { PORT: 'xoxp-SECRET-123' } },
    { name: 'secret pasted into LOG_LEVEL', env: { LOG_LEVEL: 'xoxp-SECRET-123' } },
    { name: 'secret pasted into a URL', env: { SLACK_API_URL: 'xoxp-SECRET-123' } },
    { name: 'secret pasted into the shell user', env: { AUDIT_BOT_SHELL_USER: 'xoxp-SECRET-123' } },
  ])('never repeats a secret value in its messages ($name)', ({ env }) => {
    const error = envError(env);

    expect(error.problems.length).toBeGreaterThan(0);
    for (const line of [...error.problems, error.message]) {
      expect(line).not.toContain('xoxp-SECRET-123');
      expect(line).not.toContain('SECRET-123');
    }
  });
});

describe('child process environment', () => {
  it('inherits only PATH, HOME, LANG, LC_ALL, TZ and TMPDIR from the bot, never a token', () => {
    const env = loadEnv({
      PATH: '/usr/bin:/bin',
      HOME: '/home/bot',
      LANG: 'C.UTF-8',
      TZ: 'Europe/Berlin',
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'shh-secret',
      NOTION_TOKEN: 'ntn_abc',
      AWS_SECRET_ACCESS_KEY: 'nope',
    });
    expect(env.childEnv).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/bot',
      LANG: 'C.UTF-8',
      TZ: 'Europe/Berlin',
    });
  });

  it('takes a command probe `env:` map of variable names to strings', () => {
    const config = parseConfig(
      yaml('probes:', '  - { id: c, kind: command, run: [python3, x.py], env: { PYTHONUNBUFFERED: "1" } }'),
      CONFIG_FILE,
    );
    expect(config.probes[0]).toMatchObject({ env: { PYTHONUNBUFFERED: '1' } });
    expect(
      configError(yaml('probes:', '  - { id: c, kind: command, run: [x], env: { "NOT A NAME": "1", N: 2 } }'))
        .problems,
    ).toEqual([
      'probes[0].env.NOT A NAME: must be a variable name such as PYTHONPATH',
      'probes[0].env.N: must be a string',
    ]);
  });
});
