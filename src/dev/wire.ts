// How Slack's Web API is spoken on the wire, for the stand-in: bearer tokens, form-encoded or
// JSON bodies (WebClient sends nested fields as JSON strings in a form), JSON answers; and the
// loopback servers' lifecycle, shared with the demo Eagle API.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fields that WebClient sends as JSON strings inside a form-encoded body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurl_links', 'unfurl_media']);

export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Form-encoded (WebClient's default, nested fields as JSON strings) or JSON bodies. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return isRecord(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        body[key] = JSON.parse(value);
        continue;
      } catch {
        // Slack itself answers a malformed JSON field with invalid_arguments; keep the text.
      }
    }
    body[key] = value;
  }
  return body;
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Listens on `host:port` (0: any free port); rejects when the port cannot be had. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Closes a server and its open connections (keep-alive ones too); nothing to do when not started. */
export async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `http://127.0.0.1:<port>` of a listening server. */
export function loopbackUrl(server: Server | undefined, name: string): string {
  const address = server?.address() as AddressInfo | null | undefined;
  if (!address) throw new Error(`${name} is not started`);
  return `http://127.0.0.1:${address.port}`;
}
