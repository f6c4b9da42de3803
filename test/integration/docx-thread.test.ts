import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { requireBuild } from '../support/process.js';

// DocxThread from the build (under ts-jest there is no compiled worker beside the source, and it makes the DOCX on
// the calling thread): in a node process of its own, the customer statement's sample as DOCX on the thread and on
// the calling thread, and the WordprocessingML of both compared. Then the thread stopped and used again.
const SCRIPT = `
import JSZip from '${resolve('node_modules/jszip/lib/index.js')}';
import { DocxThread } from '${resolve('dist/rendering/docx/docx-thread.js')}';
import { htmlToDocx } from '${resolve('dist/rendering/docx/html-to-docx.js')}';
import { TemplateEngine } from '${resolve('dist/rendering/templates/template-engine.js')}';
import { threadId } from 'node:worker_threads';
const engine = new TemplateEngine();
const r = engine.render('customer-statement', engine.sample('customer-statement'), { locale: 'zh-CN' });
const input = { html: r.html, headerText: r.headerText, footer: 'page-x-of-y', locale: r.locale, title: r.title };
const thread = new DocxThread();
const [a, b] = await Promise.all([thread.render(input), thread.render({ ...input, title: 'second' })]);
const direct = await htmlToDocx(input);
const xml = async (bytes) => (await JSZip.loadAsync(bytes)).file('word/document.xml').async('string');
await thread.close();
const again = await thread.render(input);
console.log(JSON.stringify({
  threadUsed: thread.available, mainThread: threadId,
  same: (await xml(a)) === (await xml(direct)), second: (await xml(b)).length > 1000,
  again: (await xml(again)) === (await xml(direct)), bytes: a.length,
}));
`;

describe('DocxThread (the DOCX on a worker thread)', () => {
  it('makes the same document as htmlToDocx on the calling thread, and starts again after close()', async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'td-docx-thread-'));
    const script = join(dir, 'check.mjs');
    writeFileSync(script, SCRIPT);
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: resolve('.'),
      timeout: 60_000,
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(result).toEqual({
      threadUsed: true,
      mainThread: 0,
      same: true,
      second: true,
      again: true,
      bytes: expect.any(Number),
    });
  });
});
