// Starts the real Alertmanager (Debian's prometheus-alertmanager) on a loopback port with a
// webhook receiver pointing at the bot, for end-to-end tests. Fails loudly when it is missing.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './run-main.js';

export const ALERTMANAGER_BINARY = process.env.ALERTMANAGER_BINARY ?? '/usr/bin/prometheus-alertmanager';

export function alertmanagerAvailable(): boolean {
  return spawnSync(ALERTMANAGER_BINARY, ['--version']).status === 0;
}

export interface RunningAlertmanager {
  readonly url: string;
  readonly process: ChildProcess;
  postAlerts(alerts: unknown[]): Promise<void>;
  silences(): Promise<
    Array<{
      id: string;
      status: { state: string };
      matchers: Array<{ name: string; value: string }>;
      createdBy: string;
    }>
  >;
  stop(): Promise<void>;
}

export async function startAlertmanager(options: {
  dir: string;
  webhookUrl: string;
  token: string;
  /** Serve the API below this path, as Grafana serves its own: `/api/alertmanager/grafana`. */
  routePrefix?: string;
}): Promise<RunningAlertmanager> {
  if (!alertmanagerAvailable()) {
    throw new Error(
      `${ALERTMANAGER_BINARY} not found: install Debian's prometheus-alertmanager (.ci/run does)`,
    );
  }
  const dir = path.join(options.dir, `am-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    `route:
  receiver: audit-bot
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: audit-bot
    webhook_configs:
      - url: ${options.webhookUrl}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${options.token}
`,
  );
  const port = await freePort();
  const child = spawn(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
      ...(options.routePrefix ? [`--web.route-prefix=${options.routePrefix}`] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const url = `http://127.0.0.1:${port}${options.routePrefix ?? ''}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`Alertmanager did not become ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`Alertmanager refused alerts: ${res.status} ${await res.text()}`);
    },
    async silences() {
      const res = await fetch(`${url}/api/v2/silences`);
      return (await res.json()) as Awaited<ReturnType<RunningAlertmanager['silences']>>;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
