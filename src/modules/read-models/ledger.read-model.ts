import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { round2, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import type { ContractStatus } from '../contracts/index.js';
import type { PaymentShare } from '../quotations/index.js';

/** Contracts that owe money: approved (before the advance), active and completed. Drafts, failed reviews and cancelled contracts do not. */
export const LEDGER_STATUSES: readonly ContractStatus[] = ['approved', 'active', 'completed'];

/** A contract at its current revision (total, payment terms and delivery date from contract_revisions at contracts.revision). */
export interface ContractRow {
  id: string;
  number: string;
  customerId: string;
  status: ContractStatus;
  signingDate: DateOnly;
  currency: string;
  total: Amount;
  paymentTerms: PaymentShare[];
  deliveryDate: DateOnly | null;
}

export interface PaymentRow {
  id: string;
  date: DateOnly;
  amount: Amount;
  currency: string;
  contractId: string | null;
  reference: string | null;
}

export interface InvoiceRow {
  id: string;
  number: string;
  date: DateOnly;
  amount: Amount;
  currency: string;
  contractId: string | null;
}

export interface CustomerRow {
  id: string;
  name: string;
  salesOwnerId: string | null;
  salesOwnerName: string | null;
}

/** A customer's ledger sums on one day: what the statement run picks customers by. */
export interface StatementCandidate {
  id: string;
  name: string;
  /** sum(contract totals signed <= to) - sum(payments <= to) */
  balance: Amount;
  /** a contract signed, an invoice or a payment dated within the period */
  active: boolean;
}

interface RawContract {
  id: string;
  number: string;
  customer_id: string;
  status: ContractStatus;
  signing_date: string;
  currency: string;
  total: string;
  payment_terms: PaymentShare[];
  delivery_date: string | null;
}

const CONTRACT_SELECT = `
  SELECT c.id, c.number, c.customer_id, c.status, c.signing_date::text AS signing_date, c.currency,
         r.total::text AS total, r.payment_terms, r.delivery_date::text AS delivery_date
    FROM contracts c
    JOIN contract_revisions r ON r.contract_id = c.id AND r.revision = c.revision`;

const contractRow = (r: RawContract): ContractRow => ({
  id: r.id,
  number: r.number,
  customerId: r.customer_id,
  status: r.status,
  signingDate: r.signing_date,
  currency: r.currency.trim(),
  total: round2(r.total),
  paymentTerms: r.payment_terms,
  deliveryDate: r.delivery_date,
});

/**
 * The receivables ledger's cross-module reads: contracts at their current revision (contracts, contract_revisions),
 * payments, invoices and customers with their sales owner's name (users). Plain SQL so that dates come back as
 * YYYY-MM-DD text and amounts as numeric text; never turned into JS Dates or floats. Read only: the contract
 * milestones the receivables module writes are its own (ReceivablesRepository).
 */
@Injectable()
export class LedgerReadModel extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * What each contract has received: the sum of its payments (reversals are negative payments, so they count). The
   * contact list's finance view; moved here from contact-sheets, whose repository read the payments table.
   */
  async receivedByContract(contractIds: string[]): Promise<Map<string, Amount>> {
    if (!contractIds.length) return new Map();
    const rows = (await this.manager.query(
      `SELECT contract_id AS "contractId", SUM(amount)::text AS received
         FROM payments WHERE contract_id = ANY($1::uuid[]) GROUP BY contract_id`,
      [contractIds],
    )) as { contractId: string; received: string }[];
    return new Map(rows.map((r) => [r.contractId, round2(r.received)]));
  }

  async customer(id: string): Promise<CustomerRow | null> {
    const rows = (await this.manager.query(
      `SELECT cu.id, cu.name, cu.sales_owner_id, u.name AS sales_owner_name
         FROM customers cu LEFT JOIN users u ON u.id = cu.sales_owner_id
        WHERE cu.id = $1`,
      [id],
    )) as { id: string; name: string; sales_owner_id: string | null; sales_owner_name: string | null }[];
    const r = rows[0];
    return r ? { id: r.id, name: r.name, salesOwnerId: r.sales_owner_id, salesOwnerName: r.sales_owner_name } : null;
  }

  async customers(ids: string[]): Promise<CustomerRow[]> {
    if (!ids.length) return [];
    const rows = (await this.manager.query(
      `SELECT cu.id, cu.name, cu.sales_owner_id, u.name AS sales_owner_name
         FROM customers cu LEFT JOIN users u ON u.id = cu.sales_owner_id
        WHERE cu.id = ANY($1::uuid[])`,
      [ids],
    )) as { id: string; name: string; sales_owner_id: string | null; sales_owner_name: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      salesOwnerId: r.sales_owner_id,
      salesOwnerName: r.sales_owner_name,
    }));
  }

  /** Any contract (whatever its status) at its current revision. */
  async contract(id: string): Promise<ContractRow | null> {
    const rows = (await this.manager.query(`${CONTRACT_SELECT} WHERE c.id = $1`, [id])) as RawContract[];
    return rows[0] ? contractRow(rows[0]) : null;
  }

  /** The customer's contracts in the ledger (LEDGER_STATUSES), signed up to `asOf` when given; by signing date. */
  async ledgerContracts(customerId: string, asOf?: DateOnly): Promise<ContractRow[]> {
    const rows = (await this.manager.query(
      `${CONTRACT_SELECT}
        WHERE c.customer_id = $1 AND c.status = ANY($2::text[]) AND ($3::date IS NULL OR c.signing_date <= $3::date)
        ORDER BY c.signing_date, c.number`,
      [customerId, LEDGER_STATUSES, asOf ?? null],
    )) as RawContract[];
    return rows.map(contractRow);
  }

  /** The ledger contracts of several customers (the dunning list), signed up to `asOf`. */
  async ledgerContractsOf(customerIds: string[] | null, asOf: DateOnly): Promise<ContractRow[]> {
    const rows = (await this.manager.query(
      `${CONTRACT_SELECT}
        WHERE ($1::uuid[] IS NULL OR c.customer_id = ANY($1::uuid[])) AND c.status = ANY($2::text[])
          AND c.signing_date <= $3::date
        ORDER BY c.customer_id, c.signing_date, c.number`,
      [customerIds, LEDGER_STATUSES, asOf],
    )) as RawContract[];
    return rows.map(contractRow);
  }

  /** All payments of the customers (reversals are negative rows), dated up to `asOf` when given; oldest first. */
  async payments(customerIds: string[], asOf?: DateOnly): Promise<(PaymentRow & { customerId: string })[]> {
    if (!customerIds.length) return [];
    const rows = (await this.manager.query(
      `SELECT id, customer_id, date::text AS date, amount::text AS amount, currency, contract_id, reference
         FROM payments
        WHERE customer_id = ANY($1::uuid[]) AND ($2::date IS NULL OR date <= $2::date)
        ORDER BY date, created_at, id`,
      [customerIds, asOf ?? null],
    )) as {
      id: string;
      customer_id: string;
      date: string;
      amount: string;
      currency: string;
      contract_id: string | null;
      reference: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      date: r.date,
      amount: round2(r.amount),
      currency: r.currency.trim(),
      contractId: r.contract_id,
      reference: r.reference,
    }));
  }

  /** The payments of one contract (reversals included), oldest first. */
  async contractPayments(contractId: string): Promise<PaymentRow[]> {
    const rows = (await this.manager.query(
      `SELECT id, date::text AS date, amount::text AS amount, currency, contract_id, reference
         FROM payments WHERE contract_id = $1 ORDER BY date, created_at, id`,
      [contractId],
    )) as {
      id: string;
      date: string;
      amount: string;
      currency: string;
      contract_id: string | null;
      reference: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      date: r.date,
      amount: round2(r.amount),
      currency: r.currency.trim(),
      contractId: r.contract_id,
      reference: r.reference,
    }));
  }

  /** All invoices of the customer (red-letter ones are negative rows), dated up to `asOf` when given. */
  async invoices(customerId: string, asOf?: DateOnly): Promise<InvoiceRow[]> {
    const rows = (await this.manager.query(
      `SELECT id, number, date::text AS date, amount::text AS amount, currency, contract_id
         FROM invoices
        WHERE customer_id = $1 AND ($2::date IS NULL OR date <= $2::date)
        ORDER BY date, number`,
      [customerId, asOf ?? null],
    )) as { id: string; number: string; date: string; amount: string; currency: string; contract_id: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      date: r.date,
      amount: round2(r.amount),
      currency: r.currency.trim(),
      contractId: r.contract_id,
    }));
  }

  /**
   * Customers with any ledger row up to `to`, with their balance on `to` from aggregated sums (one query whatever
   * the number of customers) and whether anything is dated within from..to (from null: up to `to`).
   */
  async statementCandidates(from: DateOnly | null, to: DateOnly): Promise<StatementCandidate[]> {
    const rows = (await this.manager.query(
      `WITH k AS (
         SELECT c.customer_id, SUM(r.total) AS total,
                bool_or($1::date IS NULL OR c.signing_date >= $1::date) AS active
           FROM contracts c
           JOIN contract_revisions r ON r.contract_id = c.id AND r.revision = c.revision
          WHERE c.status = ANY($3::text[]) AND c.signing_date <= $2::date
          GROUP BY c.customer_id
       ), p AS (
         SELECT customer_id, SUM(amount) AS total, bool_or($1::date IS NULL OR date >= $1::date) AS active
           FROM payments WHERE date <= $2::date GROUP BY customer_id
       ), i AS (
         SELECT customer_id, bool_or($1::date IS NULL OR date >= $1::date) AS active
           FROM invoices WHERE date <= $2::date GROUP BY customer_id
       )
       SELECT cu.id, cu.name,
              (COALESCE(k.total, 0) - COALESCE(p.total, 0))::text AS balance,
              (COALESCE(k.active, false) OR COALESCE(p.active, false) OR COALESCE(i.active, false)) AS active
         FROM customers cu
         LEFT JOIN k ON k.customer_id = cu.id
         LEFT JOIN p ON p.customer_id = cu.id
         LEFT JOIN i ON i.customer_id = cu.id
        WHERE k.customer_id IS NOT NULL OR p.customer_id IS NOT NULL OR i.customer_id IS NOT NULL
        ORDER BY cu.name, cu.id`,
      [from, to, LEDGER_STATUSES],
    )) as { id: string; name: string; balance: string; active: boolean }[];
    return rows.map((r) => ({ id: r.id, name: r.name, balance: round2(r.balance), active: r.active }));
  }

  /** Customers that have ledger contracts or payments up to `asOf`: the dunning list's candidates. */
  async customersWithReceivables(
    asOf: DateOnly,
    filter: { customerId?: string; salesOwnerId?: string },
  ): Promise<string[]> {
    const rows = (await this.manager.query(
      `SELECT cu.id FROM customers cu
        WHERE ($2::uuid IS NULL OR cu.id = $2::uuid) AND ($3::uuid IS NULL OR cu.sales_owner_id = $3::uuid)
          AND EXISTS (SELECT 1 FROM contracts c
                       WHERE c.customer_id = cu.id AND c.status = ANY($4::text[]) AND c.signing_date <= $1::date)`,
      [asOf, filter.customerId ?? null, filter.salesOwnerId ?? null, LEDGER_STATUSES],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
