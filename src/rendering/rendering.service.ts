import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { buildBundle, type BundleFile, type BundleManifestInput } from './bundle/bundle.js';
import { verifyBundle, verifyPdfSignature } from './bundle/verify.js';
import { DocxThread } from './docx/docx-thread.js';
import { PdfRenderer } from './pdf/pdf-renderer.js';
import {
  CONTENT_TYPES,
  type Locale,
  type RenderRequest,
  type RenderResult,
  type RenderedFile,
} from './rendering.types.js';
import { getCertificatePem, type Signer } from './signing/certificates.js';
import { signPdf } from './signing/pdf-signer.js';
import { SIGNER } from './signing/signer.provider.js';
import { TemplateEngine, type RenderedHtml } from './templates/template-engine.js';
import { DEFAULT_LOCALE } from './templates/labels.js';
import { TemplateOverrides, type TemplateFiles, type TemplateSource } from './templates/template-source.js';

/**
 * The pipeline (docs/architecture.md, "The document path"): template -> HTML -> recipe (PDF through Chromium | DOCX
 * from the same HTML) -> sign -> bundle. Storing and recording is the documents module's part.
 */
@Injectable()
export class RenderingService implements OnApplicationShutdown {
  /** DOCX off the main thread (statement runs: it overlaps the printing and signing of the next statements). */
  private readonly docx = new DocxThread();

  constructor(
    private readonly templates: TemplateEngine,
    private readonly pdf: PdfRenderer,
    @Inject(SIGNER) private readonly signer: Signer,
    private readonly config: AppConfig,
    // Provided by the templates module; absent where rendering runs without the application (benchmarks, tests of
    // the pipeline), which then renders the built-in templates.
    @Optional() private readonly overrides?: TemplateOverrides,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.docx.close();
  }

  /**
   * The template a document type renders with in a locale: the company's published version (one indexed query), or
   * undefined for the built-in folder.
   */
  async source(template: string, locale?: Locale): Promise<TemplateSource | undefined> {
    return this.overrides?.active(template, locale ?? DEFAULT_LOCALE);
  }

  /**
   * The HTML from the template in use (see source()); throws template errors (unknown template, missing required
   * field, template bug) as 4xx.
   */
  async html(template: string, data: unknown, locale?: Locale): Promise<RenderedHtml> {
    return this.htmlFrom(await this.source(template, locale), template, data, locale);
  }

  /**
   * The HTML from the given template files (undefined: the built-in folder): a draft's preview, or the many renders
   * of one tender package, which looks its templates up once.
   */
  htmlFrom(source: TemplateSource | undefined, template: string, data: unknown, locale?: Locale): RenderedHtml {
    return this.templates.render(template, data, { locale, source });
  }

  /** The built-in files of a type (its folder under templates/), as a stored version would hold them. */
  builtInFiles(template: string): TemplateFiles {
    return this.templates.builtInFiles(template);
  }

  sample(template: string, name?: string): unknown {
    return this.templates.sample(template, name);
  }

  templateTypes(): { type: string; version: string }[] {
    return this.templates.types().map((type) => ({ type, version: this.templates.version(type) }));
  }

  async render(req: RenderRequest): Promise<RenderResult> {
    const rendered = await this.html(req.template, req.data, req.locale);
    const html = req.footerNote ? withFooterNote(rendered, req.footerNote) : rendered;
    const files: RenderedFile[] = [];
    // DOCX is pure CPU in Node; the PDF waits for Chromium: run them side by side.
    const [pdf, docx] = await Promise.all([
      req.formats.includes('pdf') ? this.renderPdf(html, req.sign) : undefined,
      req.formats.includes('docx') ? this.renderDocx(html) : undefined,
    ]);
    if (pdf) files.push({ format: 'pdf', bytes: pdf, contentType: CONTENT_TYPES.pdf, extension: 'pdf' });
    if (docx) files.push({ format: 'docx', bytes: docx, contentType: CONTENT_TYPES.docx, extension: 'docx' });
    return { title: html.title, locale: html.locale, templateVersions: { [html.type]: html.version }, files };
  }

  async renderPdf(html: RenderedHtml, sign: boolean): Promise<Buffer> {
    const pdf = await this.pdf.render({ html: html.html, headerHtml: html.headerHtml, footerHtml: html.footerHtml });
    return sign ? this.signPdf(pdf, { title: html.title, locale: html.locale }) : pdf;
  }

  /** PAdES-signs a PDF with the configured signer: renderPdf's own, or one assembled elsewhere (a tender package). */
  signPdf(pdf: Buffer, reason: { title: string; locale: Locale }): Promise<Buffer> {
    return signPdf(pdf, this.signer, {
      reason: { 'zh-CN': `出具：${reason.title}`, en: `Issued: ${reason.title}`, es: `Emitido: ${reason.title}` }[
        reason.locale
      ],
      name: this.signer.subject,
    });
  }

  renderDocx(html: RenderedHtml & { footerNote?: string }): Promise<Buffer> {
    return this.docx.render({
      html: html.html,
      headerText: html.headerText,
      footer: 'page-x-of-y',
      footerNote: html.footerNote,
      locale: html.locale,
      title: html.title,
    });
  }

  bundle(files: BundleFile[], manifest: BundleManifestInput): Promise<Buffer> {
    return buildBundle({ files, manifest }, this.signer);
  }

  verifyPdf(pdf: Buffer): Promise<{ valid: boolean; reason: string }> {
    return verifyPdfSignature(pdf, this.certificatePem()).then((r) => ({
      valid: r.valid,
      reason: r.reason ?? 'signature valid',
    }));
  }

  verifyBundle(zip: Buffer): Promise<{ valid: boolean; reason: string }> {
    const limits = { contentBytes: this.config.verify.bundleContentBytes, entries: this.config.verify.bundleEntries };
    return verifyBundle(zip, this.certificatePem(), limits).then((r) => ({
      valid: r.valid,
      reason: r.reason ?? 'manifest signature and every file valid',
    }));
  }

  certificatePem(): string {
    return getCertificatePem(this.signer);
  }

  signerInfo(): { subject: string; isDevelopment: boolean } {
    return { subject: this.signer.subject, isDevelopment: this.signer.isDevelopment };
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Chromium's footer template gets the note as a line of its own under the template's footer (inline styles only). */
function withFooterNote(html: RenderedHtml, note: string): RenderedHtml & { footerNote: string } {
  const line = `<div style="box-sizing:border-box;width:100%;padding:0 15mm;font-family:'Tenderdesk Sans';font-size:7pt;color:#b00020;text-align:center;">${escapeHtml(note)}</div>`;
  return { ...html, footerHtml: `<div style="width:100%;">${html.footerHtml}${line}</div>`, footerNote: note };
}
