import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CDPSession, Page } from 'puppeteer-core';
import { BrowserPool } from './browser-pool.js';
import { PdfFonts } from './fonts.js';

export interface PdfRenderInput {
  /** A complete `<!doctype html>` document, CSS inlined, text in font-family 'Tenderdesk Sans' or 'Tenderdesk Serif'. */
  html: string;
  /** Chromium header/footer templates (`<span class="pageNumber">`, `<span class="totalPages">`), inline styles. */
  headerHtml: string;
  footerHtml: string;
  /** Landscape A4, when the document's CSS sets no `@page { size }`. */
  landscape?: boolean;
}

/** A4 in inches (as puppeteer's `format: 'A4'`), and room for the header and footer printed inside the margins. */
const PAPER = { width: 8.27, height: 11.7 };
const MARGIN_MM = { top: 20, bottom: 18, left: 15, right: 15 };
const inches = (mm: number) => mm / 25.4;
const NONCE_META = 'tenderdesk-render';
/** Resolves once the document and its fonts are loaded, with the render nonce the document carries. */
const LOADED = `document.fonts.ready.then(() => [document.readyState,
  document.querySelector('meta[name="${NONCE_META}"]')?.getAttribute('content') ?? null])`;

interface Tab {
  session: CDPSession;
  frameId: string;
}

/**
 * HTML -> PDF through the browser pool: A4, embedded CJK fonts, header/footer with page numbers.
 *
 * The document goes in and the PDF comes out through DevTools calls of our own (Page.setDocumentContent,
 * Page.printToPDF returning base64) rather than puppeteer's setContent/pdf: measured ~25% faster for the
 * 1-page statement (puppeteer's setContent evaluates document.write with the whole document as a script
 * argument and waits on lifecycle events; its pdf() reads the result back as a stream).
 */
@Injectable()
export class PdfRenderer {
  private readonly tabs = new WeakMap<Page, Promise<Tab>>();

  constructor(
    private readonly pool: BrowserPool,
    private readonly fonts: PdfFonts,
  ) {}

  async render(input: PdfRenderInput): Promise<Buffer> {
    this.fonts.noteHeaderText(input.headerHtml + input.footerHtml);
    const nonce = randomUUID();
    const withFonts = (css: string) =>
      insertIntoHead(input.html, `<meta name="${NONCE_META}" content="${nonce}">${css && `<style>${css}</style>`}`);
    // Subset before taking a browser slot, for the fonts of the browser launched last (the one renders go to):
    // Node subsets the next document while Chromium prints this one.
    const assumed = this.fonts.latestSystemFonts();
    let html = withFonts(await this.fonts.fontFaceCss(input.html, assumed));
    return this.pool.run(async (page, browser) => {
      // Another browser (the first launch, a relaunch): the CSS for its fonts.
      if (browser.fonts !== assumed) html = withFonts(await this.fonts.fontFaceCss(input.html, browser.fonts));
      const { session, frameId } = await this.tab(page);
      // Replaces the tab's document (document.open/write/close), so a reused tab is as clean as a new one
      // (a new tab costs ~0.3 s more a document)...
      const set = session.send('Page.setDocumentContent', { frameId, html });
      // ...and this proves it: the nonce is only in this document. Otherwise the tab is discarded, never printed.
      // The check is sent without waiting for the set's answer (one round trip fewer): a session's commands run in
      // the order sent, and a failed set leaves the old document, whose nonce is not this one.
      for (let first = true; ; first = false) {
        const check = session.send('Runtime.evaluate', {
          expression: LOADED,
          awaitPromise: true,
          returnByValue: true,
        });
        const [{ result, exceptionDetails }] = await Promise.all([check, first ? set : undefined]);
        if (exceptionDetails) throw new Error(`the tab could not be inspected: ${exceptionDetails.text}`);
        const [state, shown] = result.value as [string, string | null];
        if (shown !== nonce) throw new Error('the tab does not show the document it was given');
        if (state === 'complete') break;
        await new Promise((resolve) => setTimeout(resolve, 10)); // images still loading (the pool's timeout applies)
      }
      const { data } = await session.send('Page.printToPDF', {
        paperWidth: input.landscape ? PAPER.height : PAPER.width,
        paperHeight: input.landscape ? PAPER.width : PAPER.height,
        marginTop: inches(MARGIN_MM.top),
        marginBottom: inches(MARGIN_MM.bottom),
        marginLeft: inches(MARGIN_MM.left),
        marginRight: inches(MARGIN_MM.right),
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: input.headerHtml,
        footerTemplate: input.footerHtml,
        preferCSSPageSize: true,
        // Untagged: a tagged PDF doubled the 10-page render time and made it 7x larger (FINDINGS, re-measured
        // in docs/benchmarks.md). Documents are archived and signed, not read by screen readers.
        generateTaggedPDF: false,
        generateDocumentOutline: false,
        transferMode: 'ReturnAsBase64',
      });
      return Buffer.from(data, 'base64');
    });
  }

  /** A DevTools session of our own on the tab, kept as long as the tab. */
  private tab(page: Page): Promise<Tab> {
    let tab = this.tabs.get(page);
    if (!tab) {
      tab = (async () => {
        const session = await page.createCDPSession();
        const { frameTree } = await session.send('Page.getFrameTree');
        return { session, frameId: frameTree.frame.id };
      })();
      tab.catch(() => this.tabs.delete(page));
      this.tabs.set(page, tab);
    }
    return tab;
  }
}

/** Puts `content` at the start of the document's <head> (or where a head would start). */
export function insertIntoHead(html: string, content: string): string {
  const anchor = /<head(?:\s[^>]*)?>/i.exec(html) ?? /<html(?:\s[^>]*)?>/i.exec(html);
  if (!anchor) return content + html;
  const at = anchor.index + anchor[0].length;
  return html.slice(0, at) + content + html.slice(at);
}
