import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { MailModule } from './infrastructure/mail/mail.module.js';
import { QueueModule } from './infrastructure/queue/queue.module.js';
import { StorageModule } from './infrastructure/storage/storage.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { OwnershipModule } from './modules/auth/ownership.module.js';
import { DocumentsModule } from './modules/documents/documents.module.js';
import { TemplatesModule } from './modules/templates/templates.module.js';
import { RenderingModule } from './rendering/rendering.module.js';
import { CompanyModule } from './modules/company/company.module.js';
import { CustomersModule } from './modules/customers/customers.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { JobsModule } from './modules/jobs/jobs.module.js';
import { ProductsModule } from './modules/products/products.module.js';
import { SetupModule } from './modules/setup/setup.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { SignInModule } from './modules/sign-in/sign-in.module.js';
import { SsoModule } from './modules/sso/sso.module.js';
import { QualificationsModule } from './modules/qualifications/qualifications.module.js';
import { PerformanceModule } from './modules/performance/performance.module.js';
import { QuotationsModule } from './modules/quotations/quotations.module.js';
import { ContactSheetsModule } from './modules/contact-sheets/contact-sheets.module.js';
import { PaymentsModule } from './modules/payments/payments.module.js';
import { ContractsModule } from './modules/contracts/contracts.module.js';
import { TendersModule } from './modules/tenders/tenders.module.js';
import { TenderPackageModule } from './modules/tenders/package/tender-package.module.js';
import { OutboxModule } from './modules/outbox/outbox.module.js';
import { ReceivablesModule } from './modules/receivables/receivables.module.js';
import { InvoicesModule } from './modules/invoices/invoices.module.js';
import { DeliveriesModule } from './modules/deliveries/deliveries.module.js';
import { StatementsModule } from './modules/statements/statements.module.js';
import { RemindersModule } from './modules/reminders/index.js';
import { DunningModule } from './modules/dunning/index.js';
import { StatementRunsModule } from './modules/statement-runs/statement-runs.module.js';
import { ConsoleModule } from './modules/console/console.module.js';
import { MetaModule } from './modules/meta/meta.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RateLimitModule } from './common/rate-limit/rate-limit.module.js';

export type ProcessRole = 'api' | 'worker';

/**
 * The same modules serve the API (main.ts) and the worker (worker.ts): the worker is an application
 * context without HTTP that consumes jobs; the API migrates, runs first-start setup and serves HTTP.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: ProcessRole, extra: DynamicModule['imports'] = []): DynamicModule {
    const runJobs = role === 'worker' || config.queue.apiRunsJobs;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule,
        DatabaseModule.forRoot({ migrate: role === 'api' }),
        StorageModule,
        MailModule,
        QueueModule,
        AuditModule,
        OwnershipModule,
        JobsModule.forRoot(runJobs),
        RenderingModule,
        TemplatesModule,
        DocumentsModule,
        SetupModule.forRoot(role === 'api'),
        UsersModule,
        AuthModule,
        SignInModule,
        SsoModule,
        RateLimitModule,
        HealthModule,
        CompanyModule,
        CustomersModule,
        ProductsModule,
        QualificationsModule,
        PerformanceModule,
        QuotationsModule,
        // In any order: colliding routes are ordered by specificity once registered (common/route-precedence.ts).
        ContactSheetsModule,
        PaymentsModule,
        ContractsModule,
        TendersModule,
        TenderPackageModule,
        OutboxModule,
        ReceivablesModule,
        InvoicesModule,
        DeliveriesModule,
        StatementsModule,
        StatementRunsModule,
        RemindersModule,
        DunningModule,
        ConsoleModule,
        MetaModule,
        ...extra,
      ],
    };
  }
}
