import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/index.js';
import { ConsoleAssets, type ConsoleAsset } from './console-assets.js';

/**
 * The console's page: what it may load. Everything from the service itself; blob: for the previews (a PDF
 * fetched with the token) and downloads; no inline script or style, no other origin.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The loaded ConsoleAssets, or the reason they could not be loaded. */
export const CONSOLE_ASSETS = 'CONSOLE_ASSETS';

const YEAR = 'public, max-age=31536000, immutable';
const ASSET_PATH = /^\/app\/v\/([^/]+)\/(.+)$/;

/**
 * The back-office console (a single-page app) at /app: index.html for /app and every deep link under it, the
 * modules and stylesheet under /app/v/<version>/. Public (the page holds no data; the API calls carry the
 * user's token) and answered here, never through the API's error filter: a missing file is a plain 404.
 */
@ApiExcludeController()
@Public()
@Controller()
export class ConsoleController {
  constructor(@Inject(CONSOLE_ASSETS) private readonly loaded: ConsoleAssets | string) {}

  @Get()
  root(@Res() res: Response): void {
    res.redirect(302, '/app');
  }

  @Get('app')
  index(@Req() req: Request, @Res() res: Response): void {
    this.sendIndex(req, res);
  }

  @Get('app/{*path}')
  any(@Req() req: Request, @Res() res: Response): void {
    const assets = this.assets(res);
    if (!assets) return;
    const match = ASSET_PATH.exec(req.path);
    if (!match) return this.sendIndex(req, res);
    const [, version, path] = match;
    const asset = assets.file(path!);
    if (!asset) return plain(res, 404, 'Not found');
    // An older version's URL still gets the file (a tab open across a release), but is not cached for long.
    send(req, res, asset, version === assets.version ? YEAR : 'no-cache');
  }

  private sendIndex(req: Request, res: Response): void {
    const assets = this.assets(res);
    if (!assets) return;
    res.set({ 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'SAMEORIGIN' });
    send(req, res, assets.index, 'no-cache');
  }

  private assets(res: Response): ConsoleAssets | null {
    if (typeof this.loaded !== 'string') return this.loaded;
    plain(res, 503, `The console is unavailable: ${this.loaded}`);
    return null;
  }
}

function plain(res: Response, status: number, text: string): void {
  res.status(status).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

function send(req: Request, res: Response, asset: ConsoleAsset, cacheControl: string): void {
  res.set({
    'Content-Type': asset.contentType,
    'Cache-Control': cacheControl,
    ETag: asset.etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  });
  if (matches(req.headers['if-none-match'], asset.etag)) {
    res.status(304).end();
    return;
  }
  const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzip! : asset.bytes;
  if (gzip) res.set('Content-Encoding', 'gzip');
  res.status(200).set('Content-Length', String(body.length)).end(body);
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}
