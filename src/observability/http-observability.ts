import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { withLogFields } from './log-context.js';
import type { Metrics } from './metrics.js';

/** An X-Request-Id we take from the caller: short, and nothing that could forge or break a log line. */
const ACCEPTED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The first middleware of the HTTP stack (ahead of the body parsers, so that a request refused there is logged too):
 * the request id (the caller's `X-Request-Id` when acceptable, else a new UUID; returned in `X-Request-Id` and on
 * every log line made while the request is handled), one access log line per request when its response ends, and
 * the HTTP latency histogram by route template (never the raw path: ids and tokens stay out of labels and logs).
 */
export function httpObservability(root: Logger, metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(req);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      metrics.httpDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      root[level](
        {
          requestId,
          context: 'HTTP',
          req: { method: req.method, url: req.originalUrl, route, remoteAddress: req.socket.remoteAddress },
          res: { statusCode: status },
          responseTimeMs: Math.round(seconds * 1000),
        },
        `${req.method} ${route} ${status}`,
      );
    };
    res.once('finish', done);
    res.once('close', done);
    withLogFields({ requestId }, () => next());
  };
}

/** The matched route's template (`/api/jobs/:id`), or `(unmatched)` for a request no route took. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : '(unmatched)';
}
