import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
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

@Global()
@Module({
  providers: [{ provide: Mailer, inject: [AppConfig], useFactory: createMailer }],
  exports: [Mailer],
})
export class MailModule {}
