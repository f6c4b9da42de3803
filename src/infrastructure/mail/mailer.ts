/** One e-mail as the services describe it; the drivers turn it into MIME. */
export interface MailMessage {
  to: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string;
  /** Defaults to the configured MAIL_FROM. */
  from?: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /** Fix it to make a re-sent message recognisable as the same one (idempotent retries). */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface SentMail {
  /** The Message-ID header as written, angle brackets included. */
  messageId: string;
  /** Envelope recipients the server took (all of them for the outbox). */
  accepted: string[];
  /** Envelope recipients the server refused while taking the others. */
  rejected: string[];
}

/**
 * Delivery failed for a reason outside the message itself (server down, refused, timed out).
 * The job layer retries unless `permanent` says the server rejected the message for good (5xx).
 */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}

/**
 * The mail port, also the Nest injection token. Drivers: SmtpMailer (SMTP_URL set) and
 * OutboxMailer (.eml files, the embedded default).
 *
 * `send` throws AppException INVALID_EMAIL (nothing sent) for a message without a recipient or
 * with an invalid address, and MailDeliveryError when the server is unreachable or refuses.
 */
export abstract class Mailer {
  abstract readonly kind: 'smtp' | 'outbox';
  abstract send(message: MailMessage): Promise<SentMail>;
  /** Resolves when mail could be delivered now (SMTP: connect + EHLO + auth; outbox: dir writable). */
  abstract ping(): Promise<void>;
}
