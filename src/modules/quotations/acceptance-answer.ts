/**
 * The customer's answer on the quotation acceptance page, from the form (application/x-www-form-urlencoded) or as
 * JSON. Checked here by hand, as the statement answer is (statements/statement-answer.ts): a refused form is shown
 * again with its errors (HTML, 400), not answered with a JSON error body.
 */
export const ACCEPTANCE_ACTIONS = ['accept', 'decline'] as const;
export type AcceptanceAction = (typeof ACCEPTANCE_ACTIONS)[number];

export interface AcceptanceAnswer {
  action: AcceptanceAction;
  name: string;
  /** required to accept (who signs for the customer); kept when given with a decline */
  position: string | null;
  /** required to decline; an optional remark with an acceptance */
  reason: string | null;
}

export type AcceptanceProblem = 'required' | 'invalid' | 'tooLong' | 'unknown' | 'notText';
export interface AcceptanceError {
  field: string;
  problem: AcceptanceProblem;
}

export const ACCEPTANCE_FIELDS = ['action', 'name', 'position', 'reason'] as const;
export const MAX_NAME = 100;
export const MAX_POSITION = 100;
export const MAX_REASON = 2000;

/** The answer, or the list of what is wrong with it (field names as in the form). */
export function parseAcceptance(
  body: unknown,
): { answer: AcceptanceAnswer; errors: [] } | { answer: null; errors: AcceptanceError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { answer: null, errors: [{ field: 'body', problem: 'invalid' }] };
  }
  const errors: AcceptanceError[] = [];
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (!(ACCEPTANCE_FIELDS as readonly string[]).includes(key)) errors.push({ field: key, problem: 'unknown' });
    else if (typeof value !== 'string') errors.push({ field: key, problem: 'notText' });
    else if (value.includes('\u0000')) errors.push({ field: key, problem: 'invalid' });
    else input[key] = value;
  }
  const bad = (field: string) => errors.some((e) => e.field === field);
  const text = (field: string, max: number, required: boolean): string | null => {
    const value = (input[field] ?? '').trim();
    if (bad(field)) return null;
    if (!value) {
      if (required) errors.push({ field, problem: 'required' });
      return null;
    }
    if (value.length > max) errors.push({ field, problem: 'tooLong' });
    return value;
  };

  const action = input.action;
  if (!bad('action')) {
    if (!action) errors.push({ field: 'action', problem: 'required' });
    else if (!(ACCEPTANCE_ACTIONS as readonly string[]).includes(action))
      errors.push({ field: 'action', problem: 'invalid' });
  }
  const name = text('name', MAX_NAME, true);
  const position = text('position', MAX_POSITION, action === 'accept');
  const reason = text('reason', MAX_REASON, action === 'decline');

  if (errors.length) return { answer: null, errors };
  return { answer: { action: action as AcceptanceAction, name: name!, position, reason }, errors: [] };
}
