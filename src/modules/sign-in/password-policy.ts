import { AppException } from '../../common/errors/app-exception.js';
import { SignInError } from './sign-in.errors.js';
import { COMMON_PASSWORDS_TEXT } from './common-passwords.js';

let common: Set<string> | undefined;
/** The shipped list, loaded on first use (about 10,000 entries). */
function commonPasswords(): Set<string> {
  common ??= new Set(COMMON_PASSWORDS_TEXT.split('\n'));
  return common;
}

// Runs people reach for when a form asks for a long password: digits, the alphabet, keyboard rows (either way).
const SEQUENCES = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
];

/** Whether `s` is a stretch of one of SEQUENCES repeated (e.g. 12345678901234, 9876543210987, qwertyuiopqw). */
function isSequence(s: string): boolean {
  return SEQUENCES.some((seq) => {
    const cycle = seq.repeat(Math.ceil(s.length / seq.length) + 1);
    const reversed = [...cycle].reverse().join('');
    return cycle.includes(s) || reversed.includes(s);
  });
}

/** Whether `s` is a short unit repeated (aaaaaaaaaaaa, abcabcabcabc, 1212121212121). */
function isRepetition(s: string): boolean {
  for (let unit = 1; unit <= 4 && unit * 2 <= s.length; unit++) {
    if (
      s
        .slice(0, unit)
        .repeat(Math.ceil(s.length / unit))
        .slice(0, s.length) === s
    )
      return true;
  }
  return false;
}

export interface PasswordContext {
  minLength: number;
  /** The user's name and e-mail: a password made of them is the first thing an attacker tries. */
  userName: string;
  email?: string | null;
}

/**
 * Why a new password is refused, or null: shorter than PASSWORD_MIN_LENGTH (PASSWORD_TOO_SHORT); on the shipped list
 * of common passwords, or made of the user's own name, e-mail or this product's name with only digits and symbols
 * around it, or a keyboard run or repetition (PASSWORD_TOO_COMMON). Case is ignored. Length counts characters (code
 * points), not bytes, so that a Chinese pass phrase is measured as people read it.
 */
export function passwordProblem(password: string, ctx: PasswordContext): AppException | null {
  const length = [...password].length;
  if (length < ctx.minLength) {
    return AppException.unprocessable(
      SignInError.PASSWORD_TOO_SHORT,
      `The password must be at least ${ctx.minLength} characters long`,
      { minLength: ctx.minLength, length },
    );
  }
  const lower = password.toLowerCase();
  const tooCommon = (why: string) =>
    AppException.unprocessable(SignInError.PASSWORD_TOO_COMMON, `This password is too easy to guess: ${why}`, {
      reason: why,
    });
  if (commonPasswords().has(lower)) return tooCommon('it is on the list of common passwords');
  const words = [ctx.userName, ctx.email, ctx.email?.split('@')[0], 'tenderdesk', 'password']
    .filter((w): w is string => !!w && w.length >= 3)
    .map((w) => w.toLowerCase())
    .sort((a, b) => b.length - a.length); // the e-mail before the name it starts with
  // What is left once the user's own words are taken out: nothing but digits and symbols is no secret.
  let rest = lower;
  for (const w of words) rest = rest.split(w).join('');
  if (rest.length < lower.length && /^[\p{N}\p{P}\p{S}\s]*$/u.test(rest)) {
    return tooCommon("it is made of the user's name, e-mail or the product's name");
  }
  if (isSequence(lower) || isRepetition(lower)) return tooCommon('it is a keyboard run or a repetition');
  return null;
}

/** Throws the policy's refusal (422) when the password is not acceptable. */
export function checkPassword(password: string, ctx: PasswordContext): void {
  const problem = passwordProblem(password, ctx);
  if (problem) throw problem;
}
