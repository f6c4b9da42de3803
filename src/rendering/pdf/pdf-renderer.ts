import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BrowserPool } from './browser-pool.js';
import { PdfFonts } from './fonts.js';

export interface PdfRenderInput {
  /** A complete `<!doctype html>` document, CSS inlined, text in font-family 'Tenderdesk Sans'. */
  html: string;
  /** Chromium header/footer templates (`<span class="pageNumber">`, `<span class="totalPages">`), inline styles. */
  headerHtml: string;
  footerHtml: string;
  /** Used when the document's CSS sets no `@page { size }`. */
  landscape?: boolean;
}

/** Room for the header and footer templates, which Chromium prints inside the page margins. */
const MARGIN = { top: '20mm', bottom: '18mm', left: '15mm', right: '15mm' } as const;
const NONCE_META = 'tenderdesk-render';

/** HTML -> PDF through the browser pool: A4, embedded CJK fonts, header/footer with page numbers. */
@Injectable()
export class PdfRenderer {
  constructor(
    private readonly pool: BrowserPool,
    private readonly fonts: PdfFonts,
  ) {}

  async render(input: PdfRenderInput): Promise<Buffer> {
    // Subset before taking a browser slot: Node subsets the next document while Chromium prints this one.
    const fontCss = await this.fonts.fontFaceCss(input.html);
    this.fonts.noteHeaderText(input.headerHtml + input.footerHtml);
    const nonce = randomUUID();
    const html = insertIntoHead(input.html, `<meta name="${NONCE_META}" content="${nonce}"><style>${fontCss}</style>`);
    return this.pool.run(async (page) => {
      // setContent replaces the tab's document (document.open/write), so a reused tab is as clean as a new one
      // (a new tab costs ~0.3 s more a document)...
      await page.setContent(html, { waitUntil: 'load', timeout: 0 });
      // ...and this proves it: the nonce is only in this document. Otherwise the page is discarded, never printed.
      const shown = await page
        .$eval(`meta[name="${NONCE_META}"]`, (meta) => meta.getAttribute('content'))
        .catch(() => null);
      if (shown !== nonce) throw new Error('the tab does not show the document it was given');
      const pdf = await page.pdf({
        format: 'A4',
        landscape: input.landscape ?? false,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: input.headerHtml,
        footerTemplate: input.footerHtml,
        margin: MARGIN,
        preferCSSPageSize: true,
        // Untagged: a tagged PDF doubled the 10-page render time and made it 7x larger (FINDINGS, re-measured
        // in docs/benchmarks.md). Documents are archived and signed, not read by screen readers.
        tagged: false,
        outline: false,
        timeout: 0, // the pool's RENDER_TIMEOUT_MS applies
      });
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    });
  }
}

/** Puts `content` at the start of the document's <head> (or where a head would start). */
export function insertIntoHead(html: string, content: string): string {
  const anchor = /<head(?:\s[^>]*)?>/i.exec(html) ?? /<html(?:\s[^>]*)?>/i.exec(html);
  if (!anchor) return content + html;
  const at = anchor.index + anchor[0].length;
  return html.slice(0, at) + content + html.slice(at);
}
