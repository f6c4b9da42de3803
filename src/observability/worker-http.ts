import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { Caller } from '../modules/auth/caller.js';
import { HealthService } from '../modules/health/health.service.js';
import { MetricsAccess } from './metrics-access.js';
import { Metrics } from './metrics.js';

/**
 * The worker's small HTTP port (WORKER_HTTP_PORT): GET /health/live, /health/ready (and /health, as on the API) and
 * /metrics, with the API's rules (up/down for anyone, details for an admin's token; metrics for METRICS_TOKEN or an
 * admin). Nothing else: 404 in the API's error shape.
 */
export async function serveWorkerHttp(app: INestApplicationContext, host: string, port: number): Promise<Server> {
  const health = app.get(HealthService);
  const caller = app.get(Caller);
  const metrics = app.get(Metrics);
  const access = app.get(MetricsAccess);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, error('METHOD_NOT_ALLOWED', 'Only GET'));
    switch (path) {
      case '/health/live':
        return json(res, 200, { status: 'up' });
      case '/health':
      case '/health/ready': {
        const [report, admin] = await Promise.all([health.check(), caller.isAdmin(req.headers.authorization)]);
        const body = admin ? report : path === '/health' ? { status: report.status } : HealthService.summary(report);
        return json(res, report.status === 'up' ? 200 : 503, body);
      }
      case '/metrics':
        if (!(await access.allowed(req.headers.authorization))) {
          return json(
            res,
            401,
            error('UNAUTHENTICATED', `Send METRICS_TOKEN (or an admin's API token) as "Authorization: Bearer <token>"`),
          );
        }
        res.writeHead(200, { 'Content-Type': metrics.contentType() }).end(await metrics.text());
        return;
      default:
        return json(
          res,
          404,
          error(
            'ROUTE_NOT_FOUND',
            `No route GET ${path} on the worker (it serves /health/live, /health/ready, /metrics)`,
          ),
        );
    }
  };

  const logger = new Logger('WorkerHttp');
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error(`${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) json(res, 500, error('INTERNAL_ERROR', 'The worker could not answer'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  return server;
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
    .end(JSON.stringify(body));
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
