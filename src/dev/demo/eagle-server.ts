// A small stand-in for the Eagle app's local HTTP API: shell mode's demo library and the
// tests' fake Eagle. Serves V1 `/api/item/list`, V2 `/api/v2/item/get` (switchable, to
// exercise the fallback) and `/api/application/info`, with an optional token. V1's `offset`
// counts items or pages of `limit` items (`v1Offset`): api.eagle.cool only says "Offset a
// collection of results from the api. Start with 0.", and public clients read it both ways.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const items: DemoItem[] = [];
  for (let i = 0; i < total; i += 1) {
    const isCovered = Math.floor(((i + 1) * covered) / total) !== Math.floor((i * covered) / total);
    const tags = [`genre:${['house', 'techno', 'disco', 'ambient'][i % 4]}`];
    if (isCovered) tags.push(`${tagPrefix}${i.toString(36)}`);
    items.push({
      id: `DEMO${i.toString(36).toUpperCase().padStart(9, '0')}`,
      name: `Track ${i + 1}`,
      ext: 'mp3',
      tags,
      annotation: isCovered ? `chromaprint ok ${i}` : '',
    });
  }
  return items;
}

export class EagleServer {
  readonly requests = { v1: 0, v2: 0, other: 0 };
  private server: Server | undefined;
  private items: readonly DemoItem[];
  private readonly v2: boolean;
  private readonly token: string | undefined;
  private readonly v1Offset: 'items' | 'pages';

  constructor(options: EagleServerOptions) {
    this.items = options.items;
    this.v2 = options.v2 ?? true;
    this.token = options.token;
    this.v1Offset = options.v1Offset ?? 'items';
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://eagle');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (this.token && url.searchParams.get('token') !== this.token) {
        this.requests.other += 1;
        return send(401, { status: 'error', message: 'invalid token' });
      }
      const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
      switch (url.pathname) {
        case '/api/application/info':
          this.requests.other += 1;
          return send(200, {
            status: 'success',
            data: { version: '4.0.0', buildVersion: '21', platform: 'demo' },
          });
        case '/api/item/list': {
          this.requests.v1 += 1;
          const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200);
          const start = this.v1Offset === 'pages' ? offset * limit : offset;
          return send(200, { status: 'success', data: this.items.slice(start, start + limit) });
        }
        case '/api/v2/item/get': {
          if (!this.v2) {
            this.requests.other += 1;
            return send(404, { status: 'error', message: 'Not Found' });
          }
          this.requests.v2 += 1;
          const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
          const fields = url.searchParams.get('fields')?.split(',').filter(Boolean);
          const page = this.items.slice(offset, offset + limit).map((item) => pick(item, fields));
          return send(200, {
            status: 'success',
            data: { data: page, total: this.items.length, offset, limit },
          });
        }
        default:
          this.requests.other += 1;
          return send(404, { status: 'error', message: 'Not Found' });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('EagleServer is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function pick(item: DemoItem, fields: readonly string[] | undefined): Partial<DemoItem> {
  if (!fields || fields.length === 0) return item;
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in item) out[field] = item[field as keyof DemoItem];
  return out;
}
