import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../observability/metrics.js';
import { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox.driver.js';
import { SmtpMailer } from './smtp.driver.js';

/** The one place the mail backend is chosen, from validated config (SMTP_URL set -> SMTP). */
export function createMailer(config: AppConfig): Mailer {
  const mail = config.mail;
  switch (mail.kind) {
    case 'smtp':
      return new SmtpMailer(mail.url, mail.from);
    case 'outbox':
      return new OutboxMailer(mail.dir, mail.from);
  }
}

/**
 * Times every send of the driver (tenderdesk_mail_send_duration_seconds by outcome, sent or failed). The driver
 * object itself stays the provider (its class and shutdown hook), only its `send` is wrapped.
 */
export function timeSends(mailer: Mailer, metrics: Metrics | undefined): Mailer {
  if (!metrics) return mailer;
  const send = mailer.send.bind(mailer);
  mailer.send = async (message) => {
    const end = metrics.mailDuration.startTimer();
    try {
      const sent = await send(message);
      end({ outcome: 'sent' });
      return sent;
    } catch (err) {
      end({ outcome: 'failed' });
      throw err;
    }
  };
  return mailer;
}

/** Global: an infrastructure port (the outbox sends through it, health checks it) chosen once from the config. */
@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      inject: [AppConfig, { token: Metrics, optional: true }],
      useFactory: (config: AppConfig, metrics?: Metrics) => timeSends(createMailer(config), metrics),
    },
  ],
  exports: [Mailer],
})
export class MailModule {}
