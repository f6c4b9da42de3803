import type { OnModuleDestroy } from '@nestjs/common';
import { createTransport, type NodemailerError, type SMTPSentMessageInfo, type Transporter } from 'nodemailer';
import { MailDeliveryError, Mailer, type MailMessage, type SentMail } from './mailer.js';
import { headerMessageId, SAFE_TRANSPORT_OPTIONS, toSendMailOptions } from './mail-options.js';

/**
 * Sends through an SMTP server given as smtp(s)://user:pass@host:port.
 *
 * One connection per message rather than a pool: the back office sends a handful of mails per
 * job, and a pool's idle connections go stale behind NATs and keep servers from shutting down.
 */
export class SmtpMailer extends Mailer implements OnModuleDestroy {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter<SMTPSentMessageInfo>;
  /** host:port only: the URL may carry a password, which must not reach logs or job errors. */
  private readonly server: string;

  constructor(
    url: string,
    private readonly defaultFrom: string,
  ) {
    super();
    this.server = new URL(url).host;
    this.transporter = createTransport({
      url,
      ...SAFE_TRANSPORT_OPTIONS,
      // nodemailer's defaults (2 min to connect, 10 min idle) would hold a job for minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      dnsTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const options = toSendMailOptions(message, this.defaultFrom);
    try {
      const info = await this.transporter.sendMail(options);
      return { messageId: headerMessageId(info.messageId), accepted: info.accepted, rejected: info.rejected };
    } catch (err) {
      throw this.deliveryError('could not deliver the message', err);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.transporter.verify();
    } catch (err) {
      throw this.deliveryError('is not usable', err);
    }
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }

  private deliveryError(what: string, err: unknown): MailDeliveryError {
    const e = err as NodemailerError;
    // A reply code means the server answered and refused; none means it was not reachable.
    const cause = e.responseCode ? `server refused: ${e.message}` : `server unreachable: ${e.message}`;
    return new MailDeliveryError(`SMTP ${this.server} ${what}: ${cause}`, e.permanent === true, { cause: err });
  }
}
