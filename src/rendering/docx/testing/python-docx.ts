import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Test support: reads a DOCX with python-docx, a reader nobody here wrote, and returns the body's paragraphs
 * and tables in document order plus the raw XML parts (for checks python-docx has no API for: w:tblHeader,
 * w:eastAsia, the PAGE/NUMPAGES fields). Needs Debian's python3-docx under /usr/bin/python3 (the python3 on
 * PATH may be another one without it).
 */

export const PYTHON_WITH_DOCX = '/usr/bin/python3';

export interface PyParagraph {
  kind: 'p';
  text: string;
  style: string;
}
export interface PyCell {
  text: string;
  gridSpan: number;
  /** A cell a vertical merge from above covers (w:vMerge without "restart"): no content of its own. */
  continued: boolean;
  /** w:vMerge="restart": the top of a vertically merged cell. */
  mergeStart: boolean;
}
export interface PyTable {
  kind: 'table';
  rows: { header: boolean; cells: PyCell[] }[];
}
export interface PyDocx {
  blocks: (PyParagraph | PyTable)[];
  /** word/*.xml parts by name (word/document.xml, word/footer1.xml, ...). */
  parts: Record<string, string>;
}

const SCRIPT = String.raw`
import sys, json, zipfile
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

path = sys.argv[1]
doc = Document(path)

def cell_text(tc, parent):
    out = []
    for el in tc.iterchildren():
        if el.tag == qn('w:p'):
            out.append(Paragraph(el, parent).text)
        elif el.tag == qn('w:tbl'):
            out.extend(' '.join(c['text'] for c in row['cells']) for row in table(el, parent)['rows'])
    return '\n'.join(out)

def table(tbl, parent):
    rows = []
    for tr in tbl.iterchildren(qn('w:tr')):
        trPr = tr.find(qn('w:trPr'))
        cells = []
        for tc in tr.iterchildren(qn('w:tc')):
            tcPr = tc.find(qn('w:tcPr'))
            vmerge = tcPr.find(qn('w:vMerge')) if tcPr is not None else None
            span = tcPr.find(qn('w:gridSpan')) if tcPr is not None else None
            continued = vmerge is not None and vmerge.get(qn('w:val')) != 'restart'
            cells.append({
                'text': '' if continued else cell_text(tc, parent),
                'gridSpan': int(span.get(qn('w:val'))) if span is not None else 1,
                'continued': continued,
                'mergeStart': vmerge is not None and not continued,
            })
        rows.append({'header': trPr is not None and trPr.find(qn('w:tblHeader')) is not None, 'cells': cells})
    return {'kind': 'table', 'rows': rows}

blocks = []
for el in doc.element.body.iterchildren():
    if el.tag == qn('w:p'):
        p = Paragraph(el, doc)
        blocks.append({'kind': 'p', 'text': p.text, 'style': p.style.name})
    elif el.tag == qn('w:tbl'):
        blocks.append(table(el, doc))

with zipfile.ZipFile(path) as z:
    parts = {n: z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('word/') and n.endswith('.xml')}
sys.stdout.write(json.dumps({'blocks': blocks, 'parts': parts}, ensure_ascii=False))
`;

export async function readDocxWithPython(docx: Buffer): Promise<PyDocx> {
  const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-docx-'));
  try {
    const file = join(dir, 'document.docx');
    await writeFile(file, docx);
    const { stdout } = await promisify(execFile)(PYTHON_WITH_DOCX, ['-c', SCRIPT, file], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout) as PyDocx;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The body text as visibleText() lays it out: a line per paragraph and per table row, cells joined by spaces. */
export function pyDocxText(doc: PyDocx): string {
  return doc.blocks
    .flatMap((b) =>
      b.kind === 'p' ? [b.text] : b.rows.map((r) => r.cells.map((c) => c.text.replace(/\n/g, ' ')).join(' ')),
    )
    .flatMap((line) => line.split('\n'))
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
