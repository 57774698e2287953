// The eagle probe against the Eagle API stand-in over real HTTP: V2 with fields, the V1
// fallback (offset counting items or pages, found out by the probe), coverage by tag prefix
// or annotation, token, and failures.

import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { EagleServer, generateDemoItems } from '../../src/dev/demo/eagle-server.js';
import { createEagleProbe } from '../../src/probes/eagle.js';
import { ProbeError } from '../../src/probes/types.js';

function eagleConfig(url: string, coveredWhen: string, extra = '') {
  const probe = parseConfig(
    `probes:\n  - { id: fingerprint-coverage, kind: eagle, url: "${url}", covered_when: ${coveredWhen}, target: 0.8${extra} }`,
    '/tmp/audit-bot.yml',
  ).probes[0];
  if (probe?.kind !== 'eagle') throw new Error('not an eagle probe');
  return probe;
}

const run = (probe: ReturnType<typeof createEagleProbe>, signal = new AbortController().signal) =>
  probe.run({ signal, now: () => new Date() });

describe('eagle probe', () => {
  const servers: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  async function eagle(options: ConstructorParameters<typeof EagleServer>[0]): Promise<EagleServer> {
    const server = new EagleServer(options);
    await server.start();
    servers.push(server);
    return server;
  }

  it('counts 21,125 items and 4,244 fingerprinted through V2 with large pages', async () => {
    const server = await eagle({ items: generateDemoItems(21_125, 4_244) });
    const probe = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }'));
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: 4_244, total: 21_125 });
    expect(server.requests.v2).toBe(22);
    expect(server.requests.v1).toBe(0);
  });

  it('falls back to V1 when the Eagle build has no V2 API', async () => {
    const server = await eagle({ items: generateDemoItems(2_500, 500), v2: false });
    const probe = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }'));
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: 500, total: 2_500 });
    // Two tiny requests find out what offset counts, then three pages of 1,000.
    expect(server.requests.v1).toBe(2 + 3);
  });

  for (const v1Offset of ['items', 'pages'] as const) {
    it(`V1 whose offset counts ${v1Offset}: the exact figure, 21,125 items / 4,244 fingerprinted`, async () => {
      const server = await eagle({ items: generateDemoItems(21_125, 4_244), v2: false, v1Offset });
      const probe = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }'));
      await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: 4_244, total: 21_125 });
      expect(server.requests.v1).toBe(2 + 22);
    });

    it(`V1 whose offset counts ${v1Offset}: libraries of 0 to 3 items counted exactly`, async () => {
      for (const size of [0, 1, 2, 3]) {
        const server = await eagle({
          items: generateDemoItems(size, Math.min(size, 1)),
          v2: false,
          v1Offset,
        });
        const probe = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }'));
        await expect(run(probe), `${size} items`).resolves.toEqual({
          kind: 'ratio',
          covered: Math.min(size, 1),
          total: size,
        });
      }
    });
  }

  /** A stand-in Eagle answering with `handler`, on a free loopback port; its base URL. */
  async function serve(handler: RequestListener): Promise<string> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push({
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A V1-only Eagle whose /api/item/list answers `pageOf(offset, limit)` (ids only). */
  function v1Eagle(pageOf: (offset: number, limit: number) => string[]): Promise<string> {
    return serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://eagle');
      res.writeHead(url.pathname === '/api/item/list' ? 200 : 404, { 'content-type': 'application/json' });
      if (url.pathname !== '/api/item/list') return res.end('{"status":"error","message":"Not Found"}');
      const ids = pageOf(Number(url.searchParams.get('offset')), Number(url.searchParams.get('limit')));
      res.end(JSON.stringify({ status: 'success', data: ids.map((id) => ({ id, tags: ['fp:x'] })) }));
    });
  }

  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `I${from + i}`);

  it('refuses a V1 Eagle that ignores offset, with an error and no number', async () => {
    const url = await v1Eagle((_offset, limit) => ids(0, Math.min(limit, 5)));
    const error = await run(createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'))).catch((e) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe(
      "Eagle's /api/item/list ignores offset (offset 0 and 1 gave the same items), so the library cannot be counted exactly",
    );
  });

  it('refuses overlapping V1 pages that fit neither reading of offset', async () => {
    // offset 1 starts at the first item again, then skips one: neither items nor pages.
    const url = await v1Eagle((offset, limit) => (offset === 0 ? ids(0, limit) : ['I0', 'I2']));
    const error = await run(createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'))).catch((e) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe(
      "Eagle's /api/item/list answered offset 1 (limit 2) with I0, I2 after I0, I1: that fits neither offset counting items nor pages, so the library cannot be counted exactly",
    );
  });

  it('refuses V1 pages whose duplicates do not line up, instead of a wrong figure', async () => {
    // Offset counts items, but the third page repeats items from the first one.
    const url = await v1Eagle((offset, limit) => (offset === 2000 ? ids(0, limit) : ids(offset, limit)));
    const error = await run(createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'))).catch((e) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe(
      "Eagle's /api/item/list returned item I0 again at offset 2000, out of line with the page before: the library changed during the count or Eagle pages inconsistently; try again",
    );
  });

  it('de-duplicates a V1 page that overlaps the one before by the items shifted in', async () => {
    // An item added at the front during the count shifts the next page by one: its first item
    // is the last of the previous page. That overlap lines up and is counted once.
    const url = await v1Eagle((offset, limit) =>
      offset >= 1000 ? ids(offset - 1, limit).slice(0, 501) : ids(offset, limit),
    );
    await expect(run(createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }')))).resolves.toEqual({
      kind: 'ratio',
      covered: 1500,
      total: 1500,
    });
  });

  it('covers by annotation regex, skips deleted items and tolerates missing fields', async () => {
    const server = await eagle({
      items: [
        { id: 'A', name: 'a', ext: 'mp3', tags: [], annotation: 'chromaprint ok 1' },
        { id: 'B', name: 'b', ext: 'mp3', tags: [], annotation: 'no fingerprint' },
        { id: 'C', name: 'c', ext: 'mp3', tags: [], annotation: 'chromaprint ok 3', isDeleted: true },
        { id: 'D', name: 'd', ext: 'mp3', tags: ['fp:x'], annotation: '' },
      ],
    });
    const probe = createEagleProbe(eagleConfig(server.url, '{ annotation_regex: "^chromaprint ok" }'));
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: 1, total: 3 });
  });

  it('passes the token and explains a refusal without repeating the token', async () => {
    const server = await eagle({ items: generateDemoItems(10, 5), token: 'eagle-SECRET' });
    const ok = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }', ', token: eagle-SECRET'));
    await expect(run(ok)).resolves.toEqual({ kind: 'ratio', covered: 5, total: 10 });
    const wrong = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }', ', token: nope-SECRET'));
    const error = await run(wrong).catch((e: Error) => e);
    expect((error as Error).message).toBe("Eagle refused the request (HTTP 401): check the probe's token");
  });

  it('says Eagle is not running when nothing listens', async () => {
    const server = await eagle({ items: [] });
    const url = server.url;
    await server.stop();
    const probe = createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'));
    await expect(run(probe)).rejects.toThrow(
      `Eagle is not reachable at ${url} (is the app running? ECONNREFUSED)`,
    );
  });

  it('reports a malformed answer as a probe error, not a crash', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","data":{"data":"not a list"}}');
    });
    const probe = createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'));
    const error = await run(probe).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe("Eagle's answer for /api/v2/item/get has an unexpected shape");
  });

  it('stops reading an answer that never ends at its size limit, instead of filling memory', async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => {
        // Stops on its own past 64 MiB (twice the limit) so a broken client cannot hang the test.
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.write('{"status":"success","data":[');
      more();
    });
    const probe = createEagleProbe(eagleConfig(url, '{ tag_prefix: "fp:" }'));
    await expect(run(probe)).rejects.toThrow(
      "Eagle's /api/v2/item/get: answer too large (over 33554432 bytes)",
    );
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('stops when its signal aborts', async () => {
    const server = await eagle({ items: generateDemoItems(21_125, 4_244) });
    const probe = createEagleProbe(eagleConfig(server.url, '{ tag_prefix: "fp:" }'));
    const controller = new AbortController();
    controller.abort();
    await expect(run(probe, controller.signal)).rejects.toThrow('Eagle did not answer before the timeout');
  });
});
