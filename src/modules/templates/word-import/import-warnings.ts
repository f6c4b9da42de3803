import type { Locale } from '../../../rendering/templates/labels.js';

/**
 * What the import dropped or changed, said to the person who uploaded the file, in their language. Each warning is
 * listed once, however often the document repeats it; `×N` says how often when more than once.
 */
const MESSAGES = {
  mammoth: {
    'zh-CN': (m: string) => `Word 转换提示：${m}`,
    en: (m: string) => `Word conversion: ${m}`,
    es: (m: string) => `Conversión de Word: ${m}`,
  },
  element: {
    'zh-CN': (tag: string) => `不支持 <${tag}>（${describe(tag, 'zh-CN')}）：已去掉其格式，保留文字`,
    en: (tag: string) =>
      `<${tag}> (${describe(tag, 'en')}) is not supported: its formatting was dropped, its text kept`,
    es: (tag: string) => `<${tag}> (${describe(tag, 'es')}) no se admite: se quitó su formato y se conservó el texto`,
  },
  hyperlink: {
    'zh-CN': (href: string) => `超链接 ${href} 已改为普通文字`,
    en: (href: string) => `the hyperlink to ${href} was kept as plain text`,
    es: (href: string) => `el hipervínculo a ${href} se conservó como texto normal`,
  },
  imageType: {
    'zh-CN': (type: string) => `已去掉一张 ${type} 格式的图片：只支持 PNG 和 JPEG`,
    en: (type: string) => `an image of type ${type} was dropped: only PNG and JPEG images are supported`,
    es: (type: string) => `se quitó una imagen de tipo ${type}: solo se admiten imágenes PNG y JPEG`,
  },
  imageTooLarge: {
    'zh-CN': (limit: string) => `已去掉一张图片：图片每张最大 ${limit}，全部合计最大为其 4 倍`,
    en: (limit: string) => `an image was dropped: an image may take at most ${limit}, and all of them four times that`,
    es: (limit: string) =>
      `se quitó una imagen: cada imagen puede ocupar como máximo ${limit}, y todas juntas cuatro veces eso`,
  },
  imageUnfit: {
    'zh-CN': (reason: string) => `已去掉一张图片：${reason}`,
    en: (reason: string) => `an image was dropped: ${reason}`,
    es: (reason: string) => `se quitó una imagen: ${reason}`,
  },
  expression: {
    'zh-CN': (expr: string, reason: string) => `已去掉占位符 ${expr}：${reason}`,
    en: (expr: string, reason: string) => `the placeholder ${expr} was dropped: ${reason}`,
    es: (expr: string, reason: string) => `se quitó el marcador ${expr}: ${reason}`,
  },
  raw: {
    'zh-CN': (expr: string) => `已去掉占位符 ${expr}：不允许不转义的输出（{{{ }}}），请改用 {{ }}`,
    en: (expr: string) => `the placeholder ${expr} was dropped: unescaped output ({{{ }}}) is not allowed, use {{ }}`,
    es: (expr: string) => `se quitó el marcador ${expr}: no se admite la salida sin escapar ({{{ }}}), use {{ }}`,
  },
  partial: {
    'zh-CN': (expr: string, known: string) => `已去掉 ${expr}：没有这个公共模板片段（可用：${known}）`,
    en: (expr: string, known: string) => `${expr} was dropped: there is no such partial (partials: ${known})`,
    es: (expr: string, known: string) => `se quitó ${expr}: no existe ese fragmento común (disponibles: ${known})`,
  },
  unclosed: {
    'zh-CN': (expr: string) => `已去掉 ${expr}：在同一段落、单元格或表格行内没有对应的结束标记`,
    en: (expr: string) => `${expr} was dropped: it is not closed in the same paragraph, cell or table row`,
    es: (expr: string) => `se quitó ${expr}: no se cierra en el mismo párrafo, celda o fila de tabla`,
  },
  unopened: {
    'zh-CN': (expr: string) => `已去掉 ${expr}：前面没有对应的开始标记`,
    en: (expr: string) => `${expr} was dropped: nothing before it opens that block`,
    es: (expr: string) => `se quitó ${expr}: nada antes lo abre`,
  },
  pageMargins: {
    'zh-CN': () => 'Word 文档的页眉和页脚没有导入：公司抬头请用 {{> letterhead}}，页码由系统生成',
    en: () =>
      "the Word document's page headers and footers were not imported: use {{> letterhead}} for the letterhead; page numbers are added by the service",
    es: () =>
      'no se importaron los encabezados y pies de página del documento de Word: use {{> letterhead}} para el membrete; el servicio añade los números de página',
  },
  style: {
    'zh-CN': (name: string) => `不认识的段落样式“${name}”：按普通段落处理`,
    en: (name: string) => `unrecognised paragraph style "${name}": kept as a plain paragraph`,
    es: (name: string) => `estilo de párrafo desconocido «${name}»: se trata como un párrafo normal`,
  },
} satisfies Record<string, Record<Locale, (...args: string[]) => string>>;

type Kind = keyof typeof MESSAGES;

const ELEMENTS: Record<string, Record<Locale, string>> = {
  s: { 'zh-CN': '删除线', en: 'struck-out text', es: 'texto tachado' },
  sup: { 'zh-CN': '上标', en: 'superscript', es: 'superíndice' },
  sub: { 'zh-CN': '下标', en: 'subscript', es: 'subíndice' },
};

const OUTSIDE: Record<Locale, string> = {
  'zh-CN': '不在文档支持的范围内',
  en: 'not in the document subset',
  es: 'fuera del subconjunto de documento',
};

function describe(tag: string, locale: Locale): string {
  return ELEMENTS[tag]?.[locale] ?? OUTSIDE[locale];
}

export class ImportWarnings {
  private readonly counts = new Map<string, number>();

  constructor(private readonly locale: Locale) {}

  add<K extends Kind>(kind: K, ...args: Parameters<(typeof MESSAGES)[K][Locale]>): void {
    const message = (MESSAGES[kind][this.locale] as (...a: string[]) => string)(...(args as string[]));
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }

  list(): string[] {
    return [...this.counts].map(([message, n]) => (n > 1 ? `${message} (×${n})` : message));
  }
}
