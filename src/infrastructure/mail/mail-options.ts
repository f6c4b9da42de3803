import addressparser from 'nodemailer/lib/addressparser';
import type { SendMailOptions } from 'nodemailer';
import { AppException } from '../../common/errors/app-exception.js';
import { MailError } from './mail.errors.js';
import type { MailMessage } from './mailer.js';

// Pragmatic check of an addr-spec: no spaces or specials in the local part, a domain of
// letter/digit labels (IDN allowed). A single-label domain passes on purpose: the default
// sender is tenderdesk@localhost.
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?`;
const ADDRESS = new RegExp(String.raw`^[^\s@"(),:;<>\[\]\\]+@(?:${LABEL}\.)*${LABEL}$`, 'u');

function invalid(field: string, value: string, reason: string): AppException {
  return AppException.badRequest(MailError.INVALID_EMAIL, `${field}: ${reason}`, { field, value });
}

/** Checks one address entry ("a@b.cn" or "名字 <a@b.cn>") and returns it unchanged. */
function checkAddress(field: string, entry: string): string {
  // One entry is one mailbox: "a@x, b@y" in a single string would hide a recipient from the checks.
  const parsed = addressparser(entry, { flatten: true });
  if (parsed.length !== 1) throw invalid(field, entry, 'must hold exactly one address');
  if (!ADDRESS.test(parsed[0]!.address)) throw invalid(field, entry, 'is not a valid e-mail address');
  return entry;
}

/**
 * Validates a message and maps it onto nodemailer's options. Both drivers go through here and
 * through nodemailer's composer, so they write byte-for-byte the same kind of MIME message.
 */
export function toSendMailOptions(message: MailMessage, defaultFrom: string): SendMailOptions {
  const to = message.to.map((a) => checkAddress('to', a));
  const cc = (message.cc ?? []).map((a) => checkAddress('cc', a));
  const bcc = (message.bcc ?? []).map((a) => checkAddress('bcc', a));
  if (to.length + cc.length + bcc.length === 0) {
    throw AppException.badRequest(MailError.INVALID_EMAIL, 'The message has no recipient', { field: 'to' });
  }
  return {
    from: checkAddress('from', message.from ?? defaultFrom),
    to,
    cc,
    bcc,
    replyTo: message.replyTo === undefined ? undefined : checkAddress('replyTo', message.replyTo),
    subject: message.subject,
    text: message.text,
    html: message.html,
    // Only in-memory content: a path or URL would let a caller make the server read files.
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
    messageId: message.messageId,
    headers: message.headers,
  };
}

/** Transport options both drivers share. */
export const SAFE_TRANSPORT_OPTIONS = { disableFileAccess: true, disableUrlAccess: true } as const;

/** The Message-ID as the header carries it: nodemailer hands back a caller's id without the brackets it adds. */
export function headerMessageId(id: string): string {
  return id.startsWith('<') ? id : `<${id}>`;
}
