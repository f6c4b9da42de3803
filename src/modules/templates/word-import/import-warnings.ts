import type { Locale } from '../../../rendering/templates/labels.js';

/**
 * What the import dropped or changed, said to the person who uploaded the file, in their language. Each warning is
 * listed once, however often the document repeats it; `×N` says how often when more than once.
 */
const MESSAGES = {
  mammoth: {
    'zh-CN': (m: string) => `Word 转换提示：${m}`,
    en: (m: string) => `Word conversion: ${m}`,
  },
  element: {
    'zh-CN': (tag: string) => `不支持 <${tag}>（${describe(tag, 'zh-CN')}）：已去掉其格式，保留文字`,
    en: (tag: string) =>
      `<${tag}> (${describe(tag, 'en')}) is not supported: its formatting was dropped, its text kept`,
  },
  hyperlink: {
    'zh-CN': (href: string) => `超链接 ${href} 已改为普通文字`,
    en: (href: string) => `the hyperlink to ${href} was kept as plain text`,
  },
  imageType: {
    'zh-CN': (type: string) => `已去掉一张 ${type} 格式的图片：只支持 PNG 和 JPEG`,
    en: (type: string) => `an image of type ${type} was dropped: only PNG and JPEG images are supported`,
  },
  imageTooLarge: {
    'zh-CN': (limit: string) => `已去掉一张图片：图片每张最大 ${limit}，全部合计最大为其 4 倍`,
    en: (limit: string) => `an image was dropped: an image may take at most ${limit}, and all of them four times that`,
  },
  imageUnfit: {
    'zh-CN': (reason: string) => `已去掉一张图片：${reason}`,
    en: (reason: string) => `an image was dropped: ${reason}`,
  },
  expression: {
    'zh-CN': (expr: string, reason: string) => `已去掉占位符 ${expr}：${reason}`,
    en: (expr: string, reason: string) => `the placeholder ${expr} was dropped: ${reason}`,
  },
  raw: {
    'zh-CN': (expr: string) => `已去掉占位符 ${expr}：不允许不转义的输出（{{{ }}}），请改用 {{ }}`,
    en: (expr: string) => `the placeholder ${expr} was dropped: unescaped output ({{{ }}}) is not allowed, use {{ }}`,
  },
  partial: {
    'zh-CN': (expr: string, known: string) => `已去掉 ${expr}：没有这个公共模板片段（可用：${known}）`,
    en: (expr: string, known: string) => `${expr} was dropped: there is no such partial (partials: ${known})`,
  },
  unclosed: {
    'zh-CN': (expr: string) => `已去掉 ${expr}：在同一段落、单元格或表格行内没有对应的结束标记`,
    en: (expr: string) => `${expr} was dropped: it is not closed in the same paragraph, cell or table row`,
  },
  unopened: {
    'zh-CN': (expr: string) => `已去掉 ${expr}：前面没有对应的开始标记`,
    en: (expr: string) => `${expr} was dropped: nothing before it opens that block`,
  },
  pageMargins: {
    'zh-CN': () => 'Word 文档的页眉和页脚没有导入：公司抬头请用 {{> letterhead}}，页码由系统生成',
    en: () =>
      "the Word document's page headers and footers were not imported: use {{> letterhead}} for the letterhead; page numbers are added by the service",
  },
  style: {
    'zh-CN': (name: string) => `不认识的段落样式“${name}”：按普通段落处理`,
    en: (name: string) => `unrecognised paragraph style "${name}": kept as a plain paragraph`,
  },
} satisfies Record<string, Record<Locale, (...args: string[]) => string>>;

type Kind = keyof typeof MESSAGES;

const ELEMENTS: Record<string, [string, string]> = {
  s: ['删除线', 'struck-out text'],
  sup: ['上标', 'superscript'],
  sub: ['下标', 'subscript'],
};

function describe(tag: string, locale: Locale): string {
  const names = ELEMENTS[tag];
  if (!names) return locale === 'en' ? 'not in the document subset' : '不在文档支持的范围内';
  return locale === 'en' ? names[1] : names[0];
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
