import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TENDER_SECTION_TITLES } from '../../src/modules/tenders/tender-package.model.js';
import { readDocxWithPython, pyDocxText } from '../../src/rendering/docx/testing/python-docx.js';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdfBodyText, pdfText, squash, tool, withFiles } from '../support/tools.js';

// Every document type issued in Spanish through the real app (Chromium, signing, DOCX) and read back with
// independent tools: pdftotext and python-docx find the Spanish labels with their accents, pdffonts finds only
// the shipped font (so no glyph fell back to a host font), qpdf and pdfsig accept the file.

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Every character Spanish adds to ASCII, in a name the statement prints in its body. */
const SPANISH_NAME = 'Peñalara Ingeniería, S.A. (¿áéíóú? ¡ÁÉÍÓÚÑü!)';

/** Text each type must show in Spanish (whitespace aside: pdftotext and the DOCX wrap differently). */
const EXPECTED: Record<string, string[]> = {
  'contact-list': ['Relación de contratos', 'N.º de contrato', 'Período de firma'],
  'contact-sheet': ['Hoja de coordinación del contrato', 'N.º de contrato', 'Fecha de firma'],
  'customer-statement': [
    'Estado de cuenta',
    'Antigüedad de la deuda',
    'Saldo final en numerales chinos',
    '2.238.400,00 CNY', // Spanish figures
    '08/10/2026', // a ledger date, day first
    SPANISH_NAME,
  ],
  'delivery-notice': ['Albarán de entrega', 'Dirección de entrega', 'Fecha de expedición'],
  'dunning-letter': [
    'Reclamación de pago', // the sample's level (firm)
    'Importes vencidos',
    'Estimado cliente:',
    'Total vencido en numerales chinos',
    '744.180,50 CNY',
  ],
  quotation: ['Presupuesto', 'Tipo de IVA', 'Total IVA incluido en numerales chinos', '13 %'],
  'quotation-acceptance-record': ['Registro de aceptación del presupuesto', 'Respuesta', 'Aceptado', 'Cargo'],
  'tender-package': ['Documentación de la oferta', 'Carta de oferta', 'Licitador'],
  'tender-toc': ['Índice'], // the tender number's label is in the page header, which the DOCX body does not hold
};

function sampleInSpanish(engine: TemplateEngine, template: string): Record<string, unknown> {
  const sample = engine.sample(template) as Record<string, unknown>;
  if (template === 'customer-statement') {
    return { ...sample, customer: { ...(sample.customer as object), name: SPANISH_NAME } };
  }
  // The builder writes the section titles in the package's language (tender-package.builder.ts).
  if (template === 'tender-package') return { ...sample, titles: TENDER_SECTION_TITLES.es };
  return sample;
}

describe('documents in Spanish (es)', () => {
  let t: TestApp;
  let token: string;
  const engine = new TemplateEngine();
  const templates = engine.types();

  beforeAll(async () => {
    t = await startTestApp('documents-es');
    token = (await t.userWith(['backoffice'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has expectations for every document type', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(templates);
  });

  describe.each(templates)('template %s', (template) => {
    let pdf: Buffer;
    let docx: Buffer;
    let version: { locale: string; templateVersions: Record<string, string> };

    beforeAll(async () => {
      const res = await t
        .http()
        .post('/api/documents?wait=true')
        .auth(token, { type: 'bearer' })
        .send({
          template,
          data: sampleInSpanish(engine, template),
          formats: ['pdf', 'docx'],
          sign: true,
          locale: 'es',
        });
      expect(res.status).toBe(201);
      version = res.body.versions[0];
      const download = async (format: string) =>
        (
          await t
            .http()
            .get(`/api/documents/${res.body.id}/file?format=${format}`)
            .auth(token, { type: 'bearer' })
            .buffer(true)
            .parse(binary)
        ).body as Buffer;
      [pdf, docx] = await Promise.all([download('pdf'), download('docx')]);
    }, 120_000);

    it('records the locale and the template version', () => {
      expect(version.locale).toBe('es');
      expect(version.templateVersions[template]).toBe(engine.version(template));
    });

    it('prints the Spanish labels, accents intact, in the PDF and in the DOCX', async () => {
      const pdfAll = squash(await pdfText(pdf));
      const docxAll = squash(pyDocxText(await readDocxWithPython(docx)));
      for (const text of EXPECTED[template]) {
        expect([template, 'pdf', text, pdfAll.includes(squash(text))]).toEqual([template, 'pdf', text, true]);
        expect([template, 'docx', text, docxAll.includes(squash(text))]).toEqual([template, 'docx', text, true]);
      }
      // Composed characters, as typed: "í" is U+00ED, not "i" and a combining accent.
      expect(pdfAll).toBe(pdfAll.normalize('NFC'));
    });

    it('puts the same text in the DOCX as in the PDF body', async () => {
      const chars = (s: string) => [...squash(s)].sort().join('');
      expect(chars(await pdfBodyText(pdf))).toBe(chars(pyDocxText(await readDocxWithPython(docx))));
    });

    it('numbers the pages in Spanish (or not at all, where the package numbers them)', async () => {
      const text = squash(await pdfText(pdf, 1));
      if (engine.pageNumbering(template) === 'assembly') expect(text).not.toMatch(/Página\d+de\d+/);
      else expect(text).toMatch(/Página1de\d+/);
    });

    it('embeds only the shipped font, so every Spanish glyph came from it, and passes qpdf and pdfsig', async () => {
      await withFiles({ 'd.pdf': pdf }, async (dir) => {
        expect((await tool('qpdf', ['--check', `${dir}/d.pdf`])).code).toBe(0);
        expect((await tool('pdfsig', [`${dir}/d.pdf`])).out).toContain('Signature is Valid.');
        const fonts = (await tool('pdffonts', [`${dir}/d.pdf`])).out.split('\n').slice(2).filter(Boolean);
        expect(fonts.length).toBeGreaterThan(0);
        for (const line of fonts)
          expect(line).toMatch(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)\s+CID TrueType\s.*\byes\s+yes\s+yes\b/);
      });
    });
  });
});
