// How Slack's Web API is spoken on the wire, for the stand-in: bearer tokens, form-encoded or
// JSON bodies (WebClient sends nested fields as JSON strings in a form), JSON answers.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Fields that WebClient sends as JSON strings inside a form-encoded body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurl_links', 'unfurl_media']);

export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1];
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
