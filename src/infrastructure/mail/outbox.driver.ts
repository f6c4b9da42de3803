import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type StreamSentMessageInfo, type Transporter } from 'nodemailer';
import { Mailer, type MailMessage, type SentMail } from './mailer.js';
import { headerMessageId, SAFE_TRANSPORT_OPTIONS, toSendMailOptions } from './mail-options.js';

/**
 * The embedded default: instead of sending, writes each message as an .eml file that any mail
 * client opens. nodemailer's stream transport composes it, so the file holds what the SMTP driver
 * puts on the wire, CRLF line ends included, with one difference: the stream transport keeps the
 * Bcc header. That is wanted here, a file has no envelope and would otherwise lose the blind copy;
 * it also means an outbox file must not be relayed as it is.
 */
export class OutboxMailer extends Mailer {
  readonly kind = 'outbox' as const;
  private readonly composer: Transporter<StreamSentMessageInfo>;

  constructor(
    readonly dir: string,
    private readonly defaultFrom: string,
  ) {
    super();
    this.composer = createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
      ...SAFE_TRANSPORT_OPTIONS,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const info = await this.composer.sendMail(toSendMailOptions(message, this.defaultFrom));
    const messageId = headerMessageId(info.messageId);
    const file = join(this.dir, `${basicIsoTimestamp(new Date())}-${safeFileName(messageId)}.eml`);
    await this.writeAtomically(file, info.message as Buffer);
    return { messageId, accepted: info.envelope.to, rejected: [] };
  }

  async ping(): Promise<void> {
    // Write a real file: access(W_OK) says yes to root even on a read-only mount.
    const probe = join(this.dir, `.ping-${randomUUID()}.tmp`);
    await mkdir(this.dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  }

  /** Absolute paths of the written messages, oldest first. */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.eml'))
      .sort()
      .map((n) => join(this.dir, n));
  }

  /** Temp file + rename, so a reader of the outbox never sees half a message. */
  private async writeAtomically(file: string, content: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, content, { flag: 'wx' });
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

/** ISO 8601 basic format (20261115T101500.123Z): sorts by time and has no ':' (not allowed on Windows). */
function basicIsoTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** "<abc@host>" -> "abc@host"; anything outside a small safe set becomes "_". */
function safeFileName(messageId: string): string {
  return messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@-]/g, '_')
    .slice(0, 150);
}
