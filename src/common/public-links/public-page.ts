import type { Response } from 'express';
import { contentDisposition } from '../../modules/files/file-naming.js';

/**
 * Every answer of a page a customer opens by a link (statement confirmation, quotation acceptance): nothing but the
 * page itself may load (inline CSS, no script, no other origin), the link's token must not leak through a Referer,
 * and no cache keeps a customer's figures.
 */
export const PUBLIC_PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** A page of such a site: its status and HTML. */
export interface PublicPage {
  status: 200 | 400 | 403 | 404 | 409 | 410;
  html: string;
}

export function sendPublicPage(res: Response, page: PublicPage): void {
  res.status(page.status).set(PUBLIC_PAGE_HEADERS).type('html').send(page.html);
}

/**
 * The signed PDF a page's link opens, with the page's headers: shown in the browser (inline), saved under the
 * document's file name.
 */
export function sendPublicPdf(
  res: Response,
  found: { file: { contentType: string; fileName: string }; bytes: Buffer },
): void {
  res
    .status(200)
    .set({
      ...PUBLIC_PAGE_HEADERS,
      'Content-Type': found.file.contentType,
      'Content-Length': String(found.bytes.length),
      'Content-Disposition': contentDisposition(found.file.fileName, 'inline'),
    })
    .end(found.bytes);
}

/** The client as the page's answer records it: its address (TRUST_PROXY) and user agent (cut to 500 characters). */
export function clientOf(req: { ip?: string; get(name: string): string | undefined }): {
  ip: string | null;
  userAgent: string | null;
} {
  const agent = req.get('user-agent');
  return { ip: req.ip ?? null, userAgent: agent ? agent.slice(0, 500) : null };
}
