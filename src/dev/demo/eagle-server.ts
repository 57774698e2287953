// A small stand-in for the Eagle app's local HTTP API: shell mode's demo library and the
// tests' fake Eagle. Serves V1 `/api/item/list`, V2 `/api/v2/item/get` (switchable, to
// exercise the fallback) and `/api/application/info`, with an optional token. V1's `offset`
// counts items or pages of `limit` items (`v1Offset`): api.eagle.cool only says "Offset a
// collection of results from the api. Start with 0.", and public clients read it both ways.

import { createServer, type Server } from 'node:http';
import { close, listen, loopbackUrl, send } from '../wire.js';

export interface DemoItem {
  readonly id: string;
  readonly name: string;
  readonly ext: string;
  readonly tags: readonly string[];
  readonly annotation: string;
  readonly isDeleted?: boolean;
}

export interface EagleServerOptions {
  readonly items: readonly DemoItem[];
  /** Serve the V2 API (Eagle 4.0 build 21+); off imitates an older Eagle. */
  readonly v2?: boolean;
  readonly token?: string;
  /** What V1's `offset` counts: items (default) or pages of `limit` items. */
  readonly v1Offset?: 'items' | 'pages';
}

/** `total` items of which the first-spread `covered` carry a `tagPrefix…` tag. */
export function generateDemoItems(total: number, covered: number, tagPrefix = 'fp:'): DemoItem[] {
  return Array.from({ length: total }, (_, i) => {
    const isCovered = Math.floor(((i + 1) * covered) / total) !== Math.floor((i * covered) / total);
    const tags = [`genre:${['house', 'techno', 'disco', 'ambient'][i % 4]}`];
    if (isCovered) tags.push(`${tagPrefix}${i.toString(36)}`);
    return {
      id: `DEMO${i.toString(36).toUpperCase().padStart(9, '0')}`,
      name: `Track ${i + 1}`,
      ext: 'mp3',
      tags,
      annotation: isCovered ? `chromaprint ok ${i}` : '',
    };
  });
}

export class EagleServer {
  readonly requests = { v1: 0, v2: 0 };
  private server: Server | undefined;

  constructor(private readonly options: EagleServerOptions) {}

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const { items, v2 = true, token, v1Offset = 'items' } = this.options;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://eagle');
      const reply = (status: number, body: unknown) =>
        send(res, status, body, { 'content-type': 'application/json' });
      if (token && url.searchParams.get('token') !== token)
        return reply(401, { status: 'error', message: 'invalid token' });
      const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
      switch (url.pathname) {
        case '/api/application/info':
          return reply(200, {
            status: 'success',
            data: { version: '4.0.0', buildVersion: '21', platform: 'demo' },
          });
        case '/api/item/list': {
          this.requests.v1 += 1;
          const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200);
          const start = v1Offset === 'pages' ? offset * limit : offset;
          return reply(200, { status: 'success', data: items.slice(start, start + limit) });
        }
        case '/api/v2/item/get': {
          if (!v2) return reply(404, { status: 'error', message: 'Not Found' });
          this.requests.v2 += 1;
          const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
          const fields = url.searchParams.get('fields')?.split(',').filter(Boolean);
          const page = items.slice(offset, offset + limit).map((item) => pick(item, fields));
          return reply(200, { status: 'success', data: { data: page, total: items.length, offset, limit } });
        }
        default:
          return reply(404, { status: 'error', message: 'Not Found' });
      }
    });
    await listen(server, port, host);
    this.server = server;
  }

  get url(): string {
    return loopbackUrl(this.server, 'EagleServer');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await close(server);
  }
}

function pick(item: DemoItem, fields: readonly string[] | undefined): Partial<DemoItem> {
  if (!fields || fields.length === 0) return item;
  return Object.fromEntries(
    fields.filter((field) => field in item).map((field) => [field, item[field as keyof DemoItem]]),
  );
}
