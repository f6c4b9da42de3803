// CPU per DOCX of the customer statement: `htmlToDocx` (src/rendering/docx) on this thread, warmed up, for the
// 1-page and 10-page samples. `npm run build && node bench/render/docx-cpu.bench.mjs [dist]` (default ./dist; pass
// another build's dist to compare two versions of the code on the same templates).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const { htmlToDocx } = await import(`${dist}/rendering/docx/html-to-docx.js`);
const { TemplateEngine } = await import(`${dist}/rendering/templates/template-engine.js`);
const engine = new TemplateEngine();
for (const [sample, runs] of [
  ['sample', 200],
  ['sample-10-pages', 30],
]) {
  const r = engine.render('customer-statement', engine.sample('customer-statement', sample));
  const input = { html: r.html, headerText: r.headerText, footer: 'page-x-of-y', locale: r.locale, title: r.title };
  for (let i = 0; i < 10; i++) await htmlToDocx(input);
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await htmlToDocx(input);
  const used = process.cpuUsage(start);
  console.log(`${sample}: ${((used.user + used.system) / 1000 / runs).toFixed(1)} ms CPU per DOCX (${runs} runs)`);
}
