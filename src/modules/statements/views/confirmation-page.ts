import Handlebars from 'handlebars';
import { toChineseCapital } from '../../../common/chinese-numerals.js';
import { sum, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import { formatDate, formatMoney } from '../../../rendering/templates/helpers.js';
import type { AgingBucket } from '../../receivables/ledger.js';
import type { AnswerError, AnswerProblem } from '../statement-answer.js';
import { MAX_NAME, MAX_REASON } from '../statement-answer.js';
import type { IssuedLine } from './statement-document.js';

/**
 * The customer's confirmation page (no login), rendered on the server: one small Handlebars template, inline CSS,
 * no script, no image, no external request. Every page is in the statement's language; the "not valid" page,
 * which knows no statement, is in Chinese with English below.
 */

export interface PageCompany {
  name: string;
  nameEn: string | null;
  phone: string | null;
}

export interface StatementPageModel {
  locale: Locale;
  company: PageCompany;
  customerName: string;
  number: string;
  from: DateOnly | null;
  to: DateOnly;
  issuedOn: DateOnly;
  replyBy: DateOnly;
  currency: string;
  openingBalance: Amount;
  closingBalance: Amount;
  totals: { debit: Amount; credit: Amount; invoiced: Amount };
  lines: IssuedLine[];
  aging: Record<AgingBucket, Amount>;
  /** the page's own path: the form posts here, the PDF is below it */
  path: string;
  errors: AnswerError[];
  /** what the customer typed, shown again with the errors (never the code) */
  values: { action?: string; amount?: string; reason?: string; name?: string };
  /**
   * open: the form; notMailed: the statement was not mailed with a confirmation code, so it cannot be answered
   * here; locked: too many wrong codes.
   */
  answerable: 'open' | 'notMailed' | 'locked';
}

const LABELS = {
  'zh-CN': {
    title: '对账单确认',
    colon: '：',
    customer: '客户',
    number: '对账单号',
    issuedOn: '出具日期',
    period: '对账期间',
    asOf: '截至',
    to: '至',
    replyBy: '回复期限',
    intro: '请核对以下往来明细及期末余额，并在回复期限前确认或提出异议。',
    pdf: '下载对账单 PDF（电子签名）',
    date: '日期',
    type: '类型',
    reference: '单据号',
    description: '摘要',
    debit: '应收（借方）',
    credit: '已收（贷方）',
    balance: '余额',
    opening: '期初余额',
    periodTotal: '本期发生额合计',
    closing: '期末余额',
    capital: '期末余额（大写）',
    invoiced: '本期开票金额（仅供核对，不影响余额）',
    invoiceMemo: '开票金额',
    lineType: { contract: '合同', invoice: '开票', payment: '收款' } as Record<string, string>,
    aging: '账龄分析',
    buckets: {
      notDue: '未到期',
      days1to30: '逾期1–30天',
      days31to60: '逾期31–60天',
      days61to90: '逾期61–90天',
      over90: '逾期90天以上',
      unappliedCredit: '预收款/未核销',
    } as Record<AgingBucket, string>,
    agingTotal: '合计',
    answer: '您的答复',
    confirm: '我方确认上述期末余额无误',
    dispute: '我方对上述余额有异议',
    amount: '我方认为正确的余额',
    reason: '异议原因',
    remark: '（确认时可选填备注）',
    name: '答复人姓名',
    code: '确认码',
    codeHint: '（见对账单邮件；对账单上不印确认码）',
    notMailed: '此对账单未通过邮件发送确认码，无法在线答复。请联系 {company}{phone}。',
    locked: '确认码错误次数过多，此对账单已无法在线答复。请联系 {company}{phone}。',
    lockedTitle: '无法在线答复',
    submit: '提交答复',
    fixErrors: '请更正以下问题后再提交：',
    thanksTitle: '感谢您的答复',
    thanksConfirmed: '您已确认对账单 {number} 的期末余额 {amount}。',
    thanksDisputed: '您对对账单 {number} 提出了异议（您认为正确的余额：{amount}）。我方财务部将尽快与您联系。',
    thanksRecorded: '答复已记录：{name}，{at}。',
    answeredTitle: '此对账单已答复',
    answeredText: '对账单 {number} 已于 {at} 答复（{status}）。如需更正，请联系 {company}{phone}。',
    confirmed: '已确认',
    disputed: '有异议',
    expiredTitle: '链接已过期',
    expiredText: '此确认链接已过期。请联系 {company}{phone}，索取新的对账单。',
    phone: '，电话 ',
  },
  en: {
    title: 'Statement confirmation',
    colon: ': ',
    customer: 'Customer',
    number: 'Statement No.',
    issuedOn: 'Date of issue',
    period: 'Period',
    asOf: 'As of',
    to: 'to',
    replyBy: 'Please reply by',
    intro: 'Please check the transactions and the closing balance below, then confirm or dispute it by the reply date.',
    pdf: 'Download the statement as PDF (digitally signed)',
    date: 'Date',
    type: 'Type',
    reference: 'Reference',
    description: 'Description',
    debit: 'Debit (charged)',
    credit: 'Credit (received)',
    balance: 'Balance',
    opening: 'Opening balance',
    periodTotal: 'Total for the period',
    closing: 'Closing balance',
    capital: 'Closing balance in Chinese capital numerals',
    invoiced: 'Invoiced in the period (for reconciliation; does not change the balance)',
    invoiceMemo: 'invoiced',
    lineType: { contract: 'Contract', invoice: 'Invoice', payment: 'Payment' } as Record<string, string>,
    aging: 'Aging',
    buckets: {
      notDue: 'Not yet due',
      days1to30: '1–30 days overdue',
      days31to60: '31–60 days overdue',
      days61to90: '61–90 days overdue',
      over90: 'Over 90 days overdue',
      unappliedCredit: 'Unapplied credit',
    } as Record<AgingBucket, string>,
    agingTotal: 'Total',
    answer: 'Your answer',
    confirm: 'We confirm the closing balance above',
    dispute: 'We dispute the balance above',
    amount: 'The balance we believe is right',
    reason: 'Reason for the dispute',
    remark: '(optional remark when confirming)',
    name: 'Your name',
    code: 'Confirmation code',
    codeHint: '(in the statement e-mail; it is not printed on the statement)',
    notMailed:
      'This statement was not sent with a confirmation code by e-mail, so it cannot be answered here. Please contact {company}{phone}.',
    locked:
      'Too many wrong confirmation codes: this statement can no longer be answered here. Please contact {company}{phone}.',
    lockedTitle: 'Cannot be answered online',
    submit: 'Send the answer',
    fixErrors: 'Please correct the following and send again:',
    thanksTitle: 'Thank you for your answer',
    thanksConfirmed: 'You have confirmed the closing balance of statement {number}: {amount}.',
    thanksDisputed:
      'You have disputed statement {number} (the balance you believe is right: {amount}). Our finance department will contact you shortly.',
    thanksRecorded: 'Answer recorded: {name}, {at}.',
    answeredTitle: 'This statement has been answered',
    answeredText:
      'Statement {number} was answered on {at} ({status}). To correct the answer, please contact {company}{phone}.',
    confirmed: 'confirmed',
    disputed: 'disputed',
    expiredTitle: 'This link has expired',
    expiredText: 'This confirmation link has expired. Please contact {company}{phone} for a new statement.',
    phone: ', phone ',
  },
} as const;

const PROBLEMS: Record<Locale, Record<AnswerProblem, string>> = {
  'zh-CN': {
    required: '必填',
    invalid: '格式不正确',
    tooLong: '内容过长',
    unknown: '不是表单中的字段',
    notText: '应为文本',
    wrong: '与对账单邮件中的确认码不符',
  },
  en: {
    required: 'is required',
    invalid: 'is not valid',
    tooLong: 'is too long',
    unknown: 'is not a field of the form',
    notText: 'must be text',
    wrong: 'does not match the code in the statement e-mail',
  },
};
const FIELD_NAMES: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    action: '确认或异议',
    amount: '正确的余额',
    reason: '异议原因',
    name: '答复人姓名',
    code: '确认码',
    body: '表单',
  },
  en: {
    action: 'Confirm or dispute',
    amount: 'The right balance',
    reason: 'Reason',
    name: 'Your name',
    code: 'Confirmation code',
    body: 'The form',
  },
};

export function problemText(error: AnswerError, locale: Locale): string {
  const field = FIELD_NAMES[locale][error.field] ?? error.field;
  return locale === 'en' ? `${field} ${PROBLEMS.en[error.problem]}` : `${field}：${PROBLEMS['zh-CN'][error.problem]}`;
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

const STYLE = `
body { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #222; margin: 0; background: #f5f5f5; }
main { max-width: 960px; margin: 0 auto; padding: 16px 20px 40px; background: #fff; }
h1 { font-size: 1.4em; margin: 0.4em 0; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.4em; border-bottom: 1px solid #ccc; padding-bottom: 2px; }
.company { color: #555; font-size: 0.95em; }
.en { color: #666; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; }
th { background: #f0f0f0; text-align: left; }
td.num, th.num { text-align: right; } td.num, td.ref { white-space: nowrap; }
.scroll { overflow-x: auto; }
tr.sum td { background: #fafafa; font-weight: bold; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0.5em 0; }
dl.meta dt { color: #555; } dl.meta dd { margin: 0; }
.capital { font-weight: bold; }
.errors { border: 1px solid #c00; background: #fff0f0; color: #900; padding: 8px 12px; margin: 1em 0; }
form fieldset { border: 1px solid #ccc; padding: 8px 12px; margin: 0 0 12px; }
form label { display: block; margin: 6px 0; }
form input[type=text], form textarea { width: 100%; max-width: 480px; box-sizing: border-box; padding: 4px; font: inherit; }
button { font: inherit; padding: 6px 18px; }
.notice { font-size: 1.05em; line-height: 1.6; }
`;

const LAYOUT = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{title}}</title>
<style>${STYLE}</style>
</head>
<body><main>
{{{body}}}
</main></body>
</html>`;

const STATEMENT = `
<p class="company">{{company.name}}{{#if company.nameEn}} · {{company.nameEn}}{{/if}}</p>
<h1>{{L.title}} · {{number}}</h1>
<dl class="meta">
  <dt>{{L.customer}}</dt><dd id="customer">{{customerName}}</dd>
  <dt>{{L.number}}</dt><dd id="number">{{number}}</dd>
  <dt>{{#if from}}{{L.period}}{{else}}{{L.asOf}}{{/if}}</dt>
  <dd id="period">{{#if from}}{{day from}} {{L.to}} {{day to}}{{else}}{{day to}}{{/if}}</dd>
  <dt>{{L.issuedOn}}</dt><dd>{{day issuedOn}}</dd>
  <dt>{{L.replyBy}}</dt><dd id="reply-by">{{day replyBy}}</dd>
</dl>
<p>{{L.intro}}</p>
<p><a id="pdf" href="{{path}}/pdf">{{L.pdf}}</a></p>

<div class="scroll"><table id="lines">
  <thead>
    <tr><th>{{L.date}}</th><th>{{L.type}}</th><th>{{L.reference}}</th><th>{{L.description}}</th>
      <th class="num">{{L.debit}}</th><th class="num">{{L.credit}}</th><th class="num">{{L.balance}}</th></tr>
  </thead>
  <tbody>
    <tr class="sum"><td colspan="6">{{L.opening}}</td><td class="num" id="opening">{{money openingBalance currency}}</td></tr>
    {{#each lines}}
    <tr class="line">
      <td class="num">{{date}}</td>
      <td>{{lookup ../L.lineType kind}}</td>
      <td class="ref">{{reference}}</td>
      <td>{{description}}{{#if memo}} ({{../L.invoiceMemo}} {{money memo ../currency}}){{/if}}</td>
      <td class="num">{{money debit ../currency}}</td>
      <td class="num">{{money credit ../currency}}</td>
      <td class="num">{{money balance ../currency}}</td>
    </tr>
    {{/each}}
    <tr class="sum"><td colspan="4">{{L.periodTotal}}</td><td class="num">{{money totals.debit currency}}</td>
      <td class="num">{{money totals.credit currency}}</td><td></td></tr>
    <tr class="sum"><td colspan="6">{{L.closing}}</td><td class="num" id="closing">{{money closingBalance currency}}</td></tr>
  </tbody>
</table></div>
<p>{{L.capital}}{{L.colon}}<span class="capital" id="capital">{{capital closingBalance}}</span></p>
<p>{{L.invoiced}}{{L.colon}}{{money totals.invoiced currency}}</p>

<h2>{{L.aging}}</h2>
<div class="scroll"><table id="aging">
  <thead><tr>{{#each buckets}}<th class="num">{{label}}</th>{{/each}}<th class="num">{{L.agingTotal}}</th></tr></thead>
  <tbody><tr>{{#each buckets}}<td class="num">{{money amount ../currency}}</td>{{/each}}<td class="num" id="aging-total">{{money agingTotal currency}}</td></tr></tbody>
</table></div>

<h2>{{L.answer}}</h2>
{{#if errors.length}}
<div class="errors" id="errors" role="alert"><p>{{L.fixErrors}}</p><ul>{{#each errors}}<li>{{this}}</li>{{/each}}</ul></div>
{{/if}}
{{#if closedText}}
<p class="notice" id="not-answerable">{{closedText}}</p>
{{else}}
<form method="post" action="{{path}}">
  <fieldset>
    <label><input type="radio" name="action" value="confirm" id="action-confirm"{{#if (eq values.action "confirm")}} checked{{/if}}> {{L.confirm}} ({{money closingBalance currency}})</label>
    <label><input type="radio" name="action" value="dispute" id="action-dispute"{{#if (eq values.action "dispute")}} checked{{/if}}> {{L.dispute}}</label>
    <label>{{L.amount}} ({{currency}})<br><input type="text" name="amount" id="amount" inputmode="decimal" maxlength="40" value="{{values.amount}}"></label>
    <label>{{L.reason}} <span class="en">{{L.remark}}</span><br><textarea name="reason" id="reason" rows="4" maxlength="${MAX_REASON}">{{values.reason}}</textarea></label>
  </fieldset>
  <label>{{L.name}}<br><input type="text" name="name" id="name" maxlength="${MAX_NAME}" value="{{values.name}}"></label>
  <label>{{L.code}} <span class="en">{{L.codeHint}}</span><br><input type="text" name="code" id="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20"></label>
  <p><button type="submit" id="submit">{{L.submit}}</button></p>
</form>
{{/if}}
`;

const NOTICE = `
{{#if company.name}}<p class="company">{{company.name}}</p>{{/if}}
<h1 id="heading">{{heading}}</h1>
{{#each paragraphs}}<p class="notice{{#if en}} en{{/if}}">{{text}}</p>{{/each}}
`;

function engine(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('money', (amount: unknown, currency: unknown) =>
    formatMoney(amount, typeof currency === 'string' ? currency : 'CNY'),
  );
  hb.registerHelper('capital', (amount: unknown) => toChineseCapital(amount as Amount));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

const hb = engine();
const layout = hb.compile(LAYOUT, { strict: false });
const statementBody = hb.compile(STATEMENT, { strict: false });
const noticeBody = hb.compile(NOTICE, { strict: false });

function page(locale: Locale, title: string, body: string): string {
  return layout({ lang: locale, title, body });
}

/** The statement with the answer form (again with `errors` after a refused answer). */
export function statementPage(model: StatementPageModel): string {
  const L = LABELS[model.locale];
  const body = statementBody(
    {
      ...model,
      L,
      buckets: (Object.keys(L.buckets) as AgingBucket[]).map((b) => ({ label: L.buckets[b], amount: model.aging[b] })),
      // Summed here, as the printed statement does: aging that did not add up would show.
      agingTotal: sum(Object.values(model.aging)),
      errors: model.errors.map((e) => problemText(e, model.locale)),
      closedText:
        model.answerable === 'open'
          ? null
          : fill(model.answerable === 'locked' ? L.locked : L.notMailed, {
              company: companyName(model.locale, model.company),
              phone: phoneOf(model.locale, model.company),
            }),
    },
    // `day` depends on the page's language, so it is given per render.
    { helpers: { day: (d: DateOnly) => formatDate(d, model.locale) } },
  );
  return page(model.locale, `${L.title} ${model.number}`, body);
}

function noticePage(
  locale: Locale,
  heading: string,
  paragraphs: { text: string; en?: boolean }[],
  company: { name: string } | null,
): string {
  return page(locale, heading, noticeBody({ heading, paragraphs, company: company ?? {} }));
}

const phoneOf = (locale: Locale, company: PageCompany) =>
  company.phone ? `${LABELS[locale].phone}${company.phone}` : '';
const companyName = (locale: Locale, company: PageCompany) =>
  locale === 'en' && company.nameEn ? company.nameEn : company.name;

export function thanksPage(input: {
  locale: Locale;
  company: PageCompany;
  number: string;
  status: 'confirmed' | 'disputed';
  amount: Amount;
  currency: string;
  name: string;
  at: Date;
}): string {
  const L = LABELS[input.locale];
  const values = {
    number: input.number,
    amount: formatMoney(input.amount, input.currency),
    name: input.name,
    at: formatDate(input.at, input.locale, 'datetime'),
  };
  return noticePage(
    input.locale,
    L.thanksTitle,
    [
      { text: fill(input.status === 'confirmed' ? L.thanksConfirmed : L.thanksDisputed, values) },
      { text: fill(L.thanksRecorded, values) },
    ],
    input.company,
  );
}

/** Answered already: when and how, no figures. */
export function answeredPage(input: {
  locale: Locale;
  company: PageCompany;
  number: string;
  status: 'confirmed' | 'disputed';
  at: string;
}): string {
  const L = LABELS[input.locale];
  const text = fill(L.answeredText, {
    number: input.number,
    at: formatDate(input.at, input.locale, 'datetime'),
    status: input.status === 'confirmed' ? L.confirmed : L.disputed,
    company: companyName(input.locale, input.company),
    phone: phoneOf(input.locale, input.company),
  });
  return noticePage(input.locale, L.answeredTitle, [{ text }], input.company);
}

/** Too many wrong codes (answered as 403 to a POST): whom to contact, nothing of the statement. */
export function lockedPage(locale: Locale, company: PageCompany | null): string {
  return contactPage(locale, company, LABELS[locale].lockedTitle, LABELS[locale].locked);
}

/** Expired: whom to contact (the company's name and phone from its profile), nothing of the statement. */
export function expiredPage(locale: Locale, company: PageCompany | null): string {
  return contactPage(locale, company, LABELS[locale].expiredTitle, LABELS[locale].expiredText);
}

/** A notice whose text names whom to contact: {company} and {phone} from the profile. */
function contactPage(locale: Locale, company: PageCompany | null, heading: string, template: string): string {
  const text = fill(template, {
    company: company ? companyName(locale, company) : locale === 'en' ? 'us' : '我方',
    phone: company ? phoneOf(locale, company) : '',
  });
  return noticePage(locale, heading, [{ text }], company);
}

/** No statement has this token: nothing is known, so nothing is shown but the fact. */
export function invalidLinkPage(): string {
  return noticePage(
    'zh-CN',
    '链接无效 · This link is not valid',
    [
      { text: '此对账单确认链接无效。请检查链接是否完整，或联系向您发送对账单的单位。' },
      {
        text: 'This statement confirmation link is not valid. Please check that the link is complete, or contact the company that sent you the statement.',
        en: true,
      },
    ],
    null,
  );
}
