import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * What a JSON answer or a file download may do in a browser: nothing (no scripts, styles, frames, forms), and it
 * may not be framed by anyone. Pages with content of their own (the console at /app, the statement confirmation
 * pages) set their own, stricter-fitting policy on their answers; Swagger UI at /docs gets DOCS_CSP.
 */
const API_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Swagger UI: its scripts and stylesheet are files served by the service; its own markup has inline styles. */
const DOCS_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
};

/**
 * Security headers on every answer (helmet): nosniff, frame-ancestors 'none' (and X-Frame-Options DENY for older
 * browsers), Referrer-Policy no-referrer, a CSP, cross-origin isolation of resources; HSTS only when the service is
 * published over https (PUBLIC_URL), since a browser that reached it over plain http would otherwise be locked out.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https://');
  const common = {
    referrerPolicy: { policy: 'no-referrer' as const },
    xFrameOptions: { action: 'deny' as const },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
  const api = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: API_CSP } });
  const docs = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } });
  return (req: Request, res: Response, next: NextFunction) => (isDocs(req.path) ? docs : api)(req, res, next);
}

function isDocs(path: string): boolean {
  return path === '/docs' || path.startsWith('/docs/');
}
