import type { MigrationInterface } from 'typeorm';
import { Foundation1795459358204 } from './1795459358204-Foundation.js';
import { AuditLogAppendOnly1795459400000 } from './1795459400000-AuditLogAppendOnly.js';
import { Documents1795460558337 } from './1795460558337-Documents.js';
import { Company1795461220726 } from './1795461220726-Company.js';
import { Qualifications1795461350796 } from './1795461350796-Qualifications.js';
import { Quotations1795462749672 } from './1795462749672-Quotations.js';
import { TendersContractsPayments1795468970040 } from './1795468970040-TendersContractsPayments.js';
import { ContractCounters1795469357925 } from './1795469357925-ContractCounters.js';
import { TenderPackages1795469483688 } from './1795469483688-TenderPackages.js';
import { ContactSheets1795469938296 } from './1795469938296-ContactSheets.js';
import { Receivables1795480130870 } from './1795480130870-Receivables.js';
import { DocumentProvenance1796634752054 } from './1796634752054-DocumentProvenance.js';
import { RateLimits1795500000000 } from './1795500000000-RateLimits.js';
import { StatementConfirmationCode1796636950160 } from './1796636950160-StatementConfirmationCode.js';
import { SignIn1796645024228 } from './1796645024228-SignIn.js';
import { TotpLastStep1796645886309 } from './1796645886309-TotpLastStep.js';
import { AuditChain1796636156251 } from './1796636156251-AuditChain.js';
import { RecordVersions1796635254492 } from './1796635254492-RecordVersions.js';
import { DropContactSheetMailings1796657279598 } from './1796657279598-DropContactSheetMailings.js';
import { IssuedContactLists1796668629422 } from './1796668629422-IssuedContactLists.js';
import { QuotationLinks1796680420026 } from './1796680420026-QuotationLinks.js';
import { TemplateVersions1796681168195 } from './1796681168195-TemplateVersions.js';
import { Reminders1796684306663 } from './1796684306663-Reminders.js';
import { DocumentLocales1796691505456 } from './1796691505456-DocumentLocales.js';
import { ReminderRunCounts1796691578742 } from './1796691578742-ReminderRunCounts.js';
import { DunningLetters1796691727847 } from './1796691727847-DunningLetters.js';
import { TenderSectionFormats1796691787494 } from './1796691787494-TenderSectionFormats.js';
import { QuotationLinkOpened1796693498251 } from './1796693498251-QuotationLinkOpened.js';

/** Every migration in order. Landed migrations are never rewritten: add a new one. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1795459358204,
  AuditLogAppendOnly1795459400000,
  Documents1795460558337,
  Company1795461220726,
  Qualifications1795461350796,
  Quotations1795462749672,
  TendersContractsPayments1795468970040,
  ContractCounters1795469357925,
  TenderPackages1795469483688,
  ContactSheets1795469938296,
  Receivables1795480130870,
  RateLimits1795500000000,
  DocumentProvenance1796634752054,
  RecordVersions1796635254492,
  AuditChain1796636156251,
  StatementConfirmationCode1796636950160,
  SignIn1796645024228,
  TotpLastStep1796645886309,
  DropContactSheetMailings1796657279598,
  IssuedContactLists1796668629422,
  QuotationLinks1796680420026,
  TemplateVersions1796681168195,
  Reminders1796684306663,
  DocumentLocales1796691505456,
  ReminderRunCounts1796691578742,
  DunningLetters1796691727847,
  TenderSectionFormats1796691787494,
  QuotationLinkOpened1796693498251,
];
