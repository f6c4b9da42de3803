import { AuditEntry } from '../modules/audit/audit-entry.entity.js';
import { CompanyProfile } from '../modules/company/company-profile.entity.js';
import { CompanySeal } from '../modules/company/company-seal.entity.js';
import { CustomerContact } from '../modules/customers/customer-contact.entity.js';
import { Customer } from '../modules/customers/customer.entity.js';
import { DocumentFile } from '../modules/documents/document-file.entity.js';
import { DocumentVersion } from '../modules/documents/document-version.entity.js';
import { DocumentRecord } from '../modules/documents/document.entity.js';
import { Job } from '../modules/jobs/job.entity.js';
import { REMINDER_ENTITIES } from '../modules/reminders/reminder.entity.js';
import { DUNNING_ENTITIES } from '../modules/dunning/dunning-letter.entity.js';
import { Product } from '../modules/products/product.entity.js';
import { ApiToken } from '../modules/users/api-token.entity.js';
import { User } from '../modules/users/user.entity.js';
import { UserSession } from '../modules/sessions/user-session.entity.js';
import { SignInThrottle, UserInvitation, UserRecoveryCode } from '../modules/sign-in/sign-in.entities.js';
import { OidcLogin } from '../modules/sso/oidc-login.entity.js';
import { StoredFile } from '../modules/files/stored-file.entity.js';
import { Qualification } from '../modules/qualifications/qualification.entity.js';
import { PerformanceRecord } from '../modules/performance/performance-record.entity.js';
import { QUOTATION_ENTITIES } from '../modules/quotations/quotation.entities.js';
import { Tender } from '../modules/tenders/tender.entity.js';
import { Contract, ContractChangeRequest, ContractRevision } from '../modules/contracts/contract.entity.js';
import { ContractCounter } from '../modules/contracts/contract-counter.entity.js';
import { Payment } from '../modules/payments/payment.entity.js';
import { ProjectNumberCounter } from '../modules/payments/project-number-counter.entity.js';
import { CONTACT_SHEET_ENTITIES } from '../modules/contact-sheets/contact-sheet.entity.js';
import { CONTACT_LIST_ENTITIES } from '../modules/contact-sheets/contact-lists/issued-contact-list.entity.js';
import { TenderPackageVersion } from '../modules/tenders/package/tender-package-version.entity.js';
import { TenderSectionFormat } from '../modules/tenders/formats/section-format.entity.js';
import { OutboxMessage } from '../modules/outbox/outbox-message.entity.js';
import { Invoice } from '../modules/invoices/invoice.entity.js';
import { ContractMilestone } from '../modules/receivables/contract-milestone.entity.js';
import { Delivery, DeliveryCounter } from '../modules/deliveries/delivery.entity.js';
import { StatementCounter, StatementRecord } from '../modules/statements/statement.entity.js';
import { StatementRun, StatementRunItem } from '../modules/statement-runs/statement-run.entity.js';
import { TemplateVersion } from '../modules/templates/template-version.entity.js';

/** Every entity, listed (no globs: they are fragile under ESM and in bundles). */
export const ENTITIES = [
  User,
  ApiToken,
  AuditEntry,
  Job,
  DocumentRecord,
  DocumentVersion,
  DocumentFile,
  CompanyProfile,
  CompanySeal,
  Customer,
  CustomerContact,
  Product,
  StoredFile,
  Qualification,
  PerformanceRecord,
  ...QUOTATION_ENTITIES,
  Tender,
  Contract,
  ContractRevision,
  ContractChangeRequest,
  ContractCounter,
  Payment,
  ProjectNumberCounter,
  ...CONTACT_SHEET_ENTITIES,
  ...CONTACT_LIST_ENTITIES,
  TenderPackageVersion,
  TenderSectionFormat,
  OutboxMessage,
  Invoice,
  ContractMilestone,
  Delivery,
  DeliveryCounter,
  StatementRecord,
  StatementCounter,
  StatementRun,
  StatementRunItem,
  ...REMINDER_ENTITIES,
  ...DUNNING_ENTITIES,
  UserSession,
  UserInvitation,
  SignInThrottle,
  UserRecoveryCode,
  OidcLogin,
  TemplateVersion,
];
