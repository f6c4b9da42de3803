import { likeContains } from '../../database/like.js';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import type { QuotationSort } from './dto/quotation-query.dto.js';
import { QuotationLine } from './quotation-line.entity.js';
import { QuotationLink } from './quotation-link.entity.js';
import { QuotationRevision } from './quotation-revision.entity.js';
import { CLOSED_STATUSES, type QuotationStatus } from './quotation-status.js';
import { Quotation } from './quotation.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export interface QuotationFilter {
  q?: string;
  customerId?: string;
  /** Only these customers' quotations (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  status?: QuotationStatus;
  sort: QuotationSort;
  order: 'asc' | 'desc';
  /** the day `expired` is judged on */
  today: DateOnly;
}

export type QuotationData = Omit<Quotation, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'customer'>;
export type RevisionData = Omit<QuotationRevision, 'id' | 'createdAt' | 'updatedAt' | 'quotation' | 'lines'>;
export type LineData = Omit<QuotationLine, 'id' | 'revisionId' | 'revision' | 'product' | 'position'>;

/** A quotation with its current revision (no lines), as listed. */
export interface QuotationRow {
  quotation: Quotation;
  current: QuotationRevision;
}

const SORT_COLUMNS: Record<QuotationSort, string> = {
  createdAt: 'q.created_at',
  updatedAt: 'q.updated_at',
  number: 'q.number',
  validUntil: 'r.valid_until',
};

/** A search term for LIKE: % and _ match themselves. */

@Injectable()
export class QuotationsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Quotation, id);
  }

  /**
   * The next number of the year. The upsert takes the counter row's lock (as SELECT … FOR UPDATE would) and
   * holds it until the surrounding transaction ends: concurrent creations queue here, and a creation that
   * rolls back takes its increment with it, so the numbers have no gaps.
   */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('quotation_counters', year);
  }

  findById(id: string): Promise<Quotation | null> {
    return this.repo(Quotation).findOne({ where: { id }, relations: { customer: true } });
  }

  numbers(ids: string[]): Promise<Pick<Quotation, 'id' | 'number'>[]> {
    return this.repo(Quotation).find({ select: { id: true, number: true }, where: { id: In(ids) } });
  }

  /** The row locked until the transaction ends: status changes and revisions of one quotation queue up. */
  findByIdForUpdate(id: string): Promise<Quotation | null> {
    return this.repo(Quotation).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A revision with its lines in order. */
  findRevision(quotationId: string, revision: number): Promise<QuotationRevision | null> {
    return this.repo(QuotationRevision).findOne({
      where: { quotationId, revision },
      relations: { lines: true },
      order: { lines: { position: 'ASC' } },
    });
  }

  /** Every revision, oldest first, without lines. */
  revisions(quotationId: string): Promise<QuotationRevision[]> {
    return this.repo(QuotationRevision).find({ where: { quotationId }, order: { revision: 'ASC' } });
  }

  /**
   * One page of quotations with their current revision. The status filter states effectiveStatus
   * (quotation-status.ts) in SQL: expired = past the validity date and not accepted or rejected.
   */
  async list(filter: QuotationFilter, page: number, pageSize: number): Promise<[QuotationRow[], number]> {
    const qb = this.repo(Quotation)
      .createQueryBuilder('q')
      .innerJoinAndMapOne('q.current', QuotationRevision, 'r', 'r.quotation_id = q.id AND r.revision = q.revision')
      .leftJoinAndSelect('q.customer', 'c');
    if (filter.q) {
      qb.andWhere('(q.number ILIKE :p OR r.project_name ILIKE :p OR c.name ILIKE :p OR c.name_en ILIKE :p)', {
        p: likeContains(filter.q),
      });
    }
    if (filter.customerId) qb.andWhere('q.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) qb.andWhere(...inOwnCustomers('q.customer_id', filter.customerIds));
    const closed = [...CLOSED_STATUSES];
    if (filter.status === 'expired') {
      qb.andWhere('q.status NOT IN (:...closed) AND r.valid_until < :today', { closed, today: filter.today });
    } else if (filter.status && closed.includes(filter.status)) {
      qb.andWhere('q.status = :status', { status: filter.status });
    } else if (filter.status) {
      qb.andWhere('q.status = :status AND r.valid_until >= :today', { status: filter.status, today: filter.today });
    }
    const dir = filter.order === 'desc' ? 'DESC' : 'ASC';
    const [items, total] = await qb
      .orderBy(SORT_COLUMNS[filter.sort], dir)
      .addOrderBy('q.number', dir)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return [
      items.map((q) => {
        const { current, ...quotation } = q as Quotation & { current: QuotationRevision };
        return { quotation: quotation as Quotation, current };
      }),
      total,
    ];
  }

  /** Sent quotations whose current revision is valid until a day between `from` and `to` (inclusive), soonest first. */
  async sentValidUntilBetween(
    from: string,
    to: string,
  ): Promise<{ id: string; number: string; customerId: string; customerName: string; validUntil: string }[]> {
    return (await this.manager.query(
      `SELECT q.id, q.number, q.customer_id AS "customerId", c.name AS "customerName",
              to_char(r.valid_until, 'YYYY-MM-DD') AS "validUntil"
         FROM quotations q
         JOIN quotation_revisions r ON r.quotation_id = q.id AND r.revision = q.revision
         JOIN customers c ON c.id = q.customer_id
        WHERE q.status = 'sent' AND r.valid_until BETWEEN $1::date AND $2::date
        ORDER BY r.valid_until, q.number`,
      [from, to],
    )) as { id: string; number: string; customerId: string; customerName: string; validUntil: string }[];
  }

  createQuotation(data: QuotationData): Promise<Quotation> {
    return this.repo(Quotation).save(this.repo(Quotation).create(data));
  }

  async saveQuotation(quotation: Quotation): Promise<void> {
    const { customer: _customer, ...columns } = quotation;
    await this.repo(Quotation).save(columns as Quotation);
  }

  async createRevision(data: RevisionData, lines: LineData[]): Promise<QuotationRevision> {
    const saved = await this.repo(QuotationRevision).save(this.repo(QuotationRevision).create(data));
    await this.replaceLines(saved.id, lines);
    return saved;
  }

  async saveRevision(revision: QuotationRevision): Promise<void> {
    const { lines: _lines, quotation: _quotation, ...columns } = revision;
    await this.repo(QuotationRevision).save(columns as QuotationRevision);
  }

  /** Replaces the revision's lines with these, numbered 1, 2, … in this order. */
  async replaceLines(revisionId: string, lines: LineData[]): Promise<void> {
    await this.repo(QuotationLine).delete({ revisionId });
    if (lines.length) {
      await this.repo(QuotationLine).insert(lines.map((l, i) => ({ ...l, revisionId, position: i + 1 })));
    }
  }

  // ---- acceptance links ----

  async insertLink(data: LinkData): Promise<void> {
    await this.repo(QuotationLink).insert(data);
  }

  findLinkByTokenHash(tokenHash: string): Promise<QuotationLink | null> {
    return this.repo(QuotationLink).findOne({ where: { tokenHash } });
  }

  /** The link locked for the rest of the transaction: two answers to one link queue here, the second finds it used. */
  findLinkForUpdate(id: string): Promise<QuotationLink | null> {
    return this.repo(QuotationLink).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Stamps the link's first opening (later openings keep the first). */
  async markOpened(id: string): Promise<void> {
    await this.repo(QuotationLink)
      .createQueryBuilder()
      .update()
      .set({ openedAt: () => 'now()' })
      .where('id = :id AND opened_at IS NULL', { id })
      .execute();
  }

  /** Every acceptance link of the quotation, newest first (answered or not). */
  links(quotationId: string): Promise<QuotationLink[]> {
    return this.repo(QuotationLink).find({ where: { quotationId }, order: { createdAt: 'DESC' } });
  }

  async saveAnswer(id: string, answer: LinkAnswer): Promise<void> {
    await this.repo(QuotationLink).update({ id }, answer);
  }
}

export type LinkData = Omit<QuotationLink, 'id' | 'createdAt' | 'quotation' | 'openedAt'>;
export type LinkAnswer = Pick<
  QuotationLink,
  'answer' | 'answeredAt' | 'name' | 'position' | 'reason' | 'ip' | 'userAgent' | 'auditVersion'
>;
