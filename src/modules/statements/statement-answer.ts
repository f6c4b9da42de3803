import { isAmount, round2, type Amount } from '../../common/money.js';
import { normalizeCode } from './statement-code.js';
import type { Locale } from '../../rendering/rendering.types.js';

/**
 * The customer's answer on the confirmation page, from the form (application/x-www-form-urlencoded) or as JSON.
 * Checked here by hand rather than by the global DTO pipe: a refused form is shown again with its errors (HTML,
 * 400), not answered with a JSON error body.
 */
export const ANSWER_ACTIONS = ['confirm', 'dispute'] as const;
export type AnswerAction = (typeof ANSWER_ACTIONS)[number];

export interface StatementAnswer {
  action: AnswerAction;
  /** dispute: the balance the customer says is right */
  amount: Amount | null;
  /** required for a dispute; an optional remark with a confirmation */
  reason: string | null;
  name: string;
  /** the confirmation code from the statement mail (digits only) */
  code: string;
}

/** `wrong`: a well-formed confirmation code that is not the statement's (checked by the service). */
export type AnswerProblem = 'required' | 'invalid' | 'tooLong' | 'unknown' | 'notText' | 'wrong';
export interface AnswerError {
  field: string;
  problem: AnswerProblem;
}

export const ANSWER_FIELDS = ['action', 'amount', 'reason', 'name', 'code'] as const;
export const MAX_NAME = 100;
export const MAX_REASON = 2000;
const MAX_AMOUNT_INPUT = 40;
const MAX_CODE_INPUT = 20;

/**
 * "¥ 1,234.50", "1 234.5", "-700" -> "1234.50", "1234.50", "-700.00"; null when it is no amount.
 * On a Spanish page the comma is the decimal sign and the point groups thousands ("1.234,56 CNY" -> "1234.56"),
 * as the page prints the balance; a point followed by one or two digits is still read as a decimal point
 * ("1234.56"), and anything else ambiguous is refused rather than read a hundred times too large or small.
 */
export function parseAmountInput(raw: string, locale: Locale = 'zh-CN'): Amount | null {
  if (locale !== 'es') {
    const cleaned = raw
      .trim()
      .replace(/^(?:CNY|RMB|¥|￥)\s*/i, '')
      .replace(/[\s,，]/g, '');
    return isAmount(cleaned) ? round2(cleaned) : null;
  }
  const compact = raw
    .trim()
    .replace(/^(?:CNY|RMB|EUR|USD|¥|￥|€|\$)\s*/i, '')
    .replace(/\s*(?:CNY|RMB|EUR|USD|¥|￥|€|\$)$/i, '')
    .replace(/\s/g, '');
  let plain: string | null = null;
  if (/^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(compact)) plain = compact.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+(,\d{1,2})?$/.test(compact)) plain = compact.replace(',', '.');
  else if (/^-?\d+\.\d{1,2}$/.test(compact)) plain = compact;
  return plain !== null && isAmount(plain) ? round2(plain) : null;
}

/** The answer, or the list of what is wrong with it (field names as in the form). */
export function parseAnswer(
  body: unknown,
  locale: Locale = 'zh-CN',
): { answer: StatementAnswer; errors: [] } | { answer: null; errors: AnswerError[] } {
  const errors: AnswerError[] = [];
  const input: Record<string, string> = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { answer: null, errors: [{ field: 'body', problem: 'invalid' }] };
  }
  for (const key of Object.keys(body)) {
    const value = (body as Record<string, unknown>)[key];
    if (!(ANSWER_FIELDS as readonly string[]).includes(key)) {
      errors.push({ field: key, problem: 'unknown' });
    } else if (typeof value !== 'string') {
      errors.push({ field: key, problem: 'notText' });
    } else if (value.includes('\u0000')) {
      errors.push({ field: key, problem: 'invalid' });
    } else {
      input[key] = value;
    }
  }
  const bad = (field: string) => errors.some((e) => e.field === field);

  const action = input.action;
  if (!bad('action')) {
    if (action === undefined || action === '') errors.push({ field: 'action', problem: 'required' });
    else if (!(ANSWER_ACTIONS as readonly string[]).includes(action))
      errors.push({ field: 'action', problem: 'invalid' });
  }

  const name = (input.name ?? '').trim();
  if (!bad('name')) {
    if (!name) errors.push({ field: 'name', problem: 'required' });
    else if (name.length > MAX_NAME) errors.push({ field: 'name', problem: 'tooLong' });
  }

  const reason = (input.reason ?? '').trim();
  if (!bad('reason')) {
    if (reason.length > MAX_REASON) errors.push({ field: 'reason', problem: 'tooLong' });
    else if (action === 'dispute' && !reason) errors.push({ field: 'reason', problem: 'required' });
  }

  let amount: Amount | null = null;
  if (action === 'dispute' && !bad('amount')) {
    const raw = (input.amount ?? '').trim();
    if (!raw) errors.push({ field: 'amount', problem: 'required' });
    else if (raw.length > MAX_AMOUNT_INPUT) errors.push({ field: 'amount', problem: 'tooLong' });
    else {
      amount = parseAmountInput(raw, locale);
      if (amount === null) errors.push({ field: 'amount', problem: 'invalid' });
    }
  }

  let code: string | null = null;
  if (!bad('code')) {
    const raw = input.code ?? '';
    if (!raw.trim()) errors.push({ field: 'code', problem: 'required' });
    else if (raw.length > MAX_CODE_INPUT || (code = normalizeCode(raw)) === null)
      errors.push({ field: 'code', problem: 'invalid' });
  }

  if (errors.length) return { answer: null, errors };
  return {
    answer: {
      action: action as AnswerAction,
      // A confirmation confirms the printed balance: an amount typed before switching to "confirm" is not kept.
      amount: action === 'dispute' ? amount : null,
      reason: reason || null,
      name,
      code: code!,
    },
    errors: [],
  };
}
