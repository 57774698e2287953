// The one HTTP server of the process: Slack events in HTTP mode, webhooks, health and metrics.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../app/deps.js';
import { AuditBotError, describeError } from '../kit/errors.js';

export function createHttpApp(deps: Pick<AppDeps, 'metrics' | 'lifecycle'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    // 503 while stopping, so a load balancer moves traffic away before the process exits.
    if (deps.lifecycle.stopping) res.status(503).json({ status: 'stopping' });
    else res.json({ status: 'ok' });
  });
  // Express 5 hands a rejected handler to the error handler (addFallbackHandlers).
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}

/** Added last, after every route (including Bolt's /slack/events), so unknown paths get JSON. */
export function addFallbackHandlers(app: Express, deps: Pick<AppDeps, 'logger'>): void {
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ path: req.path }, `HTTP handler failed: ${describeError(error)}`);
    if (!res.headersSent) res.status(500).json({ error: 'internal_error' });
  });
}

export async function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const taken =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use (set PORT to another port, or 0 for any free one)`
          : error.code === 'EACCES'
            ? `not allowed to listen on ${host}:${port} (choose a PORT above 1023)`
            : undefined;
      reject(
        taken
          ? new AuditBotError('port_in_use', taken)
          : new AuditBotError('startup_failed', `cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return server;
}

export function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}

/** Stops accepting connections and waits for open requests, at most `timeoutMs`. */
export async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
