import { ApiProperty } from '@nestjs/swagger';
import { AMOUNT, DATE_ONLY } from '../../../common/openapi/responses.js';
import { PAYMENT_EVENTS, type PaymentEvent } from '../../quotations/index.js';
import type { CustomerAccountView, ContractScheduleView } from '../receivables.service.js';
import type { AgingBucket, EventDates, LedgerInvoice, LedgerPayment, ScheduleShare } from '../ledger.js';
import {
  OVERDUE_BUCKETS,
  type OverdueBucket,
  type OverdueContract,
  type OverdueCustomer,
  type OverdueList,
  type OverdueShare,
} from '../dunning.service.js';

const DATE_OR_NULL = { ...DATE_ONLY, nullable: true } as const;

/** The dates a contract's payment shares hang on, by event (null: not reached). */
export class EventDatesDto implements EventDates {
  @ApiProperty(DATE_OR_NULL)
  contract_signed!: string | null;

  @ApiProperty(DATE_OR_NULL)
  before_delivery!: string | null;

  @ApiProperty(DATE_OR_NULL)
  on_delivery!: string | null;

  @ApiProperty(DATE_OR_NULL)
  after_acceptance!: string | null;

  @ApiProperty(DATE_OR_NULL)
  warranty_end!: string | null;

  @ApiProperty(DATE_OR_NULL)
  other!: string | null;
}

/** The six aging buckets; they add up to the closing balance exactly. */
export class AgingDto implements Record<AgingBucket, string> {
  @ApiProperty(AMOUNT)
  notDue!: string;

  @ApiProperty(AMOUNT)
  days1to30!: string;

  @ApiProperty(AMOUNT)
  days31to60!: string;

  @ApiProperty(AMOUNT)
  days61to90!: string;

  @ApiProperty(AMOUNT)
  over90!: string;

  @ApiProperty({ ...AMOUNT, description: 'Negative: credit not applied to any share' })
  unappliedCredit!: string;
}

export class ScheduleShareDto implements ScheduleShare {
  @ApiProperty({ description: '1-based position in the schedule' })
  share!: number;

  @ApiProperty({ example: '30' })
  percent!: string;

  @ApiProperty({ enum: PAYMENT_EVENTS })
  event!: PaymentEvent;

  @ApiProperty({ type: Number, nullable: true })
  days!: number | null;

  @ApiProperty({ type: String, nullable: true })
  label!: string | null;

  @ApiProperty(AMOUNT)
  amount!: string;

  @ApiProperty(DATE_OR_NULL)
  dueDate!: string | null;

  @ApiProperty(AMOUNT)
  paid!: string;

  @ApiProperty(AMOUNT)
  outstanding!: string;
}

export class ContractScheduleViewDto implements ContractScheduleView {
  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: EventDatesDto, description: 'Signing date, milestones recorded by deliveries or by hand' })
  events!: EventDatesDto;

  @ApiProperty({ type: [ScheduleShareDto] })
  shares!: ScheduleShareDto[];

  @ApiProperty(AMOUNT)
  total!: string;

  @ApiProperty(AMOUNT)
  paid!: string;

  @ApiProperty(AMOUNT)
  outstanding!: string;

  @ApiProperty({ ...AMOUNT, description: 'Paid beyond the total' })
  overpaid!: string;
}

export class AccountContractDto extends ContractScheduleViewDto {
  @ApiProperty(DATE_ONLY)
  signingDate!: string;

  @ApiProperty(AMOUNT)
  invoiced!: string;
}

export class LedgerPaymentDto implements LedgerPayment {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty(DATE_ONLY)
  date!: string;

  @ApiProperty(AMOUNT)
  amount!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  contractId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reference!: string | null;
}

export class LedgerInvoiceDto implements LedgerInvoice {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty(DATE_ONLY)
  date!: string;

  @ApiProperty({ ...AMOUNT, description: 'Incl. VAT' })
  amount!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  contractId!: string | null;
}

export class OwnerRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
}

export class AccountCustomerDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: OwnerRefDto, nullable: true })
  salesOwner!: OwnerRefDto | null;
}

export class AccountTotalsDto {
  @ApiProperty(AMOUNT)
  contracts!: string;

  @ApiProperty(AMOUNT)
  payments!: string;

  @ApiProperty(AMOUNT)
  invoiced!: string;
}

export class AccountCreditDto {
  @ApiProperty(AMOUNT)
  overpaid!: string;

  @ApiProperty(AMOUNT)
  withoutContract!: string;

  @ApiProperty(AMOUNT)
  unapplied!: string;
}

export class CustomerAccountViewDto implements CustomerAccountView {
  @ApiProperty({ type: AccountCustomerDto })
  customer!: AccountCustomerDto;

  @ApiProperty(DATE_ONLY)
  asOf!: string;

  @ApiProperty({ ...AMOUNT, description: 'Contracts signed up to asOf minus payments up to asOf (negative: credit)' })
  closingBalance!: string;

  @ApiProperty({ type: AgingDto })
  aging!: AgingDto;

  @ApiProperty({ type: AccountTotalsDto })
  totals!: AccountTotalsDto;

  @ApiProperty({ type: AccountCreditDto })
  credit!: AccountCreditDto;

  @ApiProperty({ type: [AccountContractDto] })
  contracts!: AccountContractDto[];

  @ApiProperty({ type: [LedgerPaymentDto] })
  payments!: LedgerPaymentDto[];

  @ApiProperty({ type: [LedgerInvoiceDto] })
  invoices!: LedgerInvoiceDto[];
}

export class OverdueShareDto implements OverdueShare {
  @ApiProperty({ type: Number, nullable: true })
  share!: number | null;

  @ApiProperty({ enum: PAYMENT_EVENTS, nullable: true })
  event!: PaymentEvent | null;

  @ApiProperty({ type: String, nullable: true })
  label!: string | null;

  @ApiProperty(DATE_ONLY)
  dueDate!: string;

  @ApiProperty()
  daysOverdue!: number;

  @ApiProperty({ enum: OVERDUE_BUCKETS })
  bucket!: OverdueBucket;

  @ApiProperty({ ...AMOUNT, description: "The share's amount per the schedule" })
  amount!: string;

  @ApiProperty({ ...AMOUNT, description: "Still owed after the contract's payments and the customer's credit" })
  outstanding!: string;
}

export class OverdueContractDto implements OverdueContract {
  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty(AMOUNT)
  overdue!: string;

  @ApiProperty()
  maxDaysOverdue!: number;

  @ApiProperty({ type: [OverdueShareDto] })
  shares!: OverdueShareDto[];
}

export class OverdueBucketsDto implements Record<OverdueBucket, string> {
  @ApiProperty(AMOUNT)
  days1to30!: string;

  @ApiProperty(AMOUNT)
  days31to60!: string;

  @ApiProperty(AMOUNT)
  days61to90!: string;

  @ApiProperty(AMOUNT)
  over90!: string;
}

export class OverdueCustomerRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class OverdueCustomerDto implements OverdueCustomer {
  @ApiProperty({ type: OverdueCustomerRefDto })
  customer!: OverdueCustomerRefDto;

  @ApiProperty({ type: OwnerRefDto, nullable: true })
  salesOwner!: OwnerRefDto | null;

  @ApiProperty(AMOUNT)
  overdue!: string;

  @ApiProperty()
  maxDaysOverdue!: number;

  @ApiProperty({ type: OverdueBucketsDto })
  buckets!: OverdueBucketsDto;

  @ApiProperty({ type: [OverdueContractDto] })
  contracts!: OverdueContractDto[];
}

/** The dunning list (催款清单). */
export class OverdueListDto implements OverdueList {
  @ApiProperty(DATE_ONLY)
  asOf!: string;

  @ApiProperty()
  minDays!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  salesOwnerId!: string | null;

  @ApiProperty({ type: [OverdueCustomerDto] })
  customers!: OverdueCustomerDto[];
}
