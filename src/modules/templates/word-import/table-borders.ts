/**
 * Which tables of a Word document are drawn without borders (layout tables: a signature block laid out in two
 * columns). mammoth's document model has no borders, and base.css and the DOCX mapping draw every table bordered
 * unless it has class "plain"; so the borders are read here from the WordprocessingML itself.
 *
 * A table is borderless when neither its own properties (w:tblPr/w:tblBorders), nor else its style (w:tblStyle, its
 * basedOn chain, or the default table style), nor any of its cells (w:tcBorders) draw a line. Returns one flag per
 * `<w:tbl>` of the body, in document order (a nested table after the table holding it), as mammoth meets them.
 */
export function borderlessTables(documentXml: string, stylesXml: string | undefined): boolean[] {
  const styles = tableStyles(stylesXml ?? '');
  return tableSources(documentXml).map((source) => {
    const own = /^<w:tbl\b[^>]*>\s*<w:tblPr>([\s\S]*?)<\/w:tblPr>/.exec(source)?.[1] ?? '';
    const tableBorders = bordersIn(own, 'w:tblBorders');
    const styleId = /<w:tblStyle w:val="([^"]*)"/.exec(own)?.[1];
    const drawn = tableBorders ?? styles.borders(styleId) ?? false;
    return !drawn && !/<w:tcBorders>([\s\S]*?)<\/w:tcBorders>/.test(source.replace(TC_BORDERS_NONE, ''));
  });
}

const BORDER = /<w:(?:top|left|bottom|right|start|end|insideH|insideV)\b[^>]*\bw:val="([^"]*)"/g;
/** A tcBorders element whose every edge is none or nil. */
const TC_BORDERS_NONE = /<w:tcBorders>(?:\s*<w:\w+\b[^>]*\bw:val="(?:none|nil)"[^>]*\/>)*\s*<\/w:tcBorders>/g;

/** Whether the `element` block in `xml` draws any line; undefined without such a block. */
function bordersIn(xml: string, element: string): boolean | undefined {
  const block = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml)?.[1];
  if (block === undefined) return undefined;
  return [...block.matchAll(BORDER)].some(([, val]) => val !== 'none' && val !== 'nil');
}

/** The source of each `<w:tbl>…</w:tbl>`, outer tables before the tables nested in them. */
function tableSources(xml: string): string[] {
  const sources: string[] = [];
  const open: { index: number; slot: number }[] = [];
  for (const m of xml.matchAll(/<w:tbl(?:\s[^>]*)?>|<\/w:tbl>/g)) {
    if (m[0] !== '</w:tbl>') {
      open.push({ index: m.index, slot: sources.length });
      sources.push('');
    } else {
      const start = open.pop();
      if (start) sources[start.slot] = xml.slice(start.index, m.index + m[0].length);
    }
  }
  return sources;
}

function tableStyles(xml: string): { borders(styleId: string | undefined): boolean | undefined } {
  const byId = new Map<string, string>();
  let defaultId: string | undefined;
  for (const [, attrs, body] of xml.matchAll(/<w:style\b([^>]*)>([\s\S]*?)<\/w:style>/g)) {
    if (!/w:type="table"/.test(attrs)) continue;
    const id = /w:styleId="([^"]*)"/.exec(attrs)?.[1];
    if (!id) continue;
    byId.set(id, body);
    if (/w:default="(?:1|true)"/.test(attrs)) defaultId = id;
  }
  return {
    borders(styleId) {
      let id = styleId ?? defaultId;
      for (let depth = 0; id && depth < 10; depth++) {
        const body = byId.get(id);
        if (body === undefined) return undefined;
        const drawn = bordersIn(body, 'w:tblBorders');
        if (drawn !== undefined) return drawn;
        id = /<w:basedOn w:val="([^"]*)"/.exec(body)?.[1];
      }
      return undefined;
    },
  };
}
