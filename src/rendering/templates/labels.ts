/**
 * Labels the shared partials and every document use, per locale. A document type adds its own in its
 * `meta.json` ("labels": {"zh-CN": {...}, "en": {...}}), so a new template does not have to touch this file.
 * Keys are flat and dotted; `{{t "lineType" type}}` joins its arguments with dots.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export type LabelSet = Readonly<Record<string, string>>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export const LABELS: Record<Locale, LabelSet> = {
  'zh-CN': {
    colon: '：',
    'party.company': '单位名称',
    'party.customer': '客户名称',
    'party.taxId': '统一社会信用代码',
    'party.address': '地址',
    'party.phone': '电话',
    'party.email': '邮箱',
    'party.contact': '联系人',
    'party.bank': '开户银行',
    'party.account': '银行账号',
    'doc.no': '编号',
    'doc.date': '日期',
    'doc.currency': '币种',
    'doc.remarks': '备注',
    'money.total': '合计',
    'money.capital': '大写',
    'lineType.contract': '合同',
    'lineType.invoice': '开票',
    'lineType.payment': '收款',
    'lineType.adjustment': '调整',
    'signOff.title': '会签',
    'signOff.department': '部门',
    'signOff.name': '姓名',
    'signOff.time': '时间',
    'signOff.comment': '意见',
    'signOff.signature': '签字',
    'signature.signatory': '经办人',
    'signature.date': '日期',
    'signature.sealed': '（盖章）',
    'signature.blankDate': '年　　月　　日',
  },
  en: {
    colon: ': ',
    'party.company': 'Company',
    'party.customer': 'Customer',
    'party.taxId': 'Tax ID',
    'party.address': 'Address',
    'party.phone': 'Phone',
    'party.email': 'Email',
    'party.contact': 'Contact',
    'party.bank': 'Bank',
    'party.account': 'Account No.',
    'doc.no': 'No.',
    'doc.date': 'Date',
    'doc.currency': 'Currency',
    'doc.remarks': 'Remarks',
    'money.total': 'Total',
    'money.capital': 'In words (Chinese)',
    'lineType.contract': 'Contract',
    'lineType.invoice': 'Invoice',
    'lineType.payment': 'Payment',
    'lineType.adjustment': 'Adjustment',
    'signOff.title': 'Sign-off',
    'signOff.department': 'Department',
    'signOff.name': 'Name',
    'signOff.time': 'Time',
    'signOff.comment': 'Comment',
    'signOff.signature': 'Signature',
    'signature.signatory': 'Signed by',
    'signature.date': 'Date',
    'signature.sealed': ' (seal)',
    'signature.blankDate': '____ / ____ / ________',
  },
};
