import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { TenderError } from './tenders.errors.js';
import { QuotationError, QuotationQuery, QuotationsService, type QuotationView } from '../quotations/index.js';
import { UserError, UsersService } from '../users/index.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { round2 } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { addDays, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, SYSTEM_ACTOR, type AuditEvent } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { PerformanceService, type PerformanceCriteria, type PerformanceView } from '../performance/index.js';
import { QUALIFICATION_TYPES, QualificationsService, type QualificationView } from '../qualifications/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { demoTender } from './demo/tenders.demo.js';
import type { TenderQuery } from './dto/tender-query.dto.js';
import type {
  BidBondDto,
  CreateTenderDto,
  PerformanceRequirementDto,
  RepresentativeDto,
  RequirementsDto,
  SelectionDto,
  UpdateTenderDto,
} from './dto/tender.dto.js';
import {
  canMove,
  flagsOf,
  isLocked,
  matchPerformance,
  matchQualifications,
  splitCredit,
  tenderDates,
  unknownIds,
  warningMessage,
  type PerformanceMatch,
  type QualificationMatch,
  type TenderDates,
} from './tender-matching.js';
import {
  TENDER_SECTIONS,
  type AuthorisedRepresentative,
  type PerformanceRequirement,
  type Tender,
  type TenderRequirements,
  type TenderStatus,
} from './tender.entity.js';
import type { QualificationCandidate, TenderCandidates, TenderPackageInput, TenderView } from './tender.view.js';
import { TendersRepository, type TenderFields } from './tenders.repository.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

/** Who writes: a signed-in user, or the system (the demo data loader). */
export type TenderActor = AuditEvent['actor'];

/** A tender whose deadline nears while qualifications of its selection are expired on its day (for the reminders). */
export interface TenderQualificationRisk {
  id: string;
  tenderNo: string;
  projectName: string;
  deadlineDate: DateOnly;
  salesOwnerId: string | null;
  qualifications: { id: string; name: string; number: string | null; validTo: DateOnly | null }[];
}

const ENTITY = 'tender';
const DEFAULT_BID_VALIDITY_DAYS = 90;
/** Reads the demo quotation with every field. */
const DEMO_READER: AuthUser = { id: '00000000-0000-0000-0000-000000000000', name: 'system', roles: ['admin'] };

const defaultRequirements = (): TenderRequirements => ({
  qualificationTypes: [],
  performance: null,
  sections: [...TENDER_SECTIONS],
  deviations: [],
});

function performanceRequirement(dto: PerformanceRequirementDto): PerformanceRequirement {
  return {
    industry: dto.industry ?? null,
    productLine: dto.productLine ?? null,
    minAmount: dto.minAmount === undefined || dto.minAmount === null ? null : round2(dto.minAmount),
    completedWithinYears: dto.completedWithinYears ?? null,
    minCount: dto.minCount ?? 1,
  };
}

/** The stored requirements with the given fields replaced (create: onto the defaults). */
function requirementsOf(dto: RequirementsDto | undefined, base: TenderRequirements): TenderRequirements {
  if (!dto) return base;
  const nulls = (['qualificationTypes', 'sections', 'deviations'] as const).filter((f) => dto[f] === null);
  if (nulls.length) {
    throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, `Required fields cannot be null: ${nulls.join(', ')}`, {
      fields: nulls.map((f) => ({ field: `requirements.${f}`, messages: [`requirements.${f} cannot be null`] })),
    });
  }
  return {
    qualificationTypes: dto.qualificationTypes ?? base.qualificationTypes,
    performance:
      dto.performance === undefined
        ? base.performance
        : dto.performance === null
          ? null
          : performanceRequirement(dto.performance),
    sections: dto.sections ?? base.sections,
    deviations: dto.deviations
      ? dto.deviations.map((d) => ({
          clause: d.clause,
          requirement: d.requirement,
          response: d.response,
          deviation: d.deviation,
          note: d.note ?? null,
        }))
      : base.deviations,
  };
}

type BondFields = Pick<Tender, 'bidBondAmount' | 'bidBondForm' | 'bidBondBank' | 'bidBondStatus'>;

const NO_BOND: BondFields = {
  bidBondAmount: null,
  bidBondForm: null,
  bidBondBank: null,
  bidBondStatus: 'not_required',
};

/** null: no bond at all; otherwise the given fields over the stored ones. */
function bondOf(dto: BidBondDto | null | undefined, base: BondFields): BondFields {
  if (dto === undefined) return base;
  if (dto === null) return NO_BOND;
  return {
    bidBondAmount: dto.amount === undefined ? base.bidBondAmount : dto.amount === null ? null : round2(dto.amount),
    bidBondForm: dto.form === undefined ? base.bidBondForm : dto.form,
    bidBondBank: dto.bank === undefined ? base.bidBondBank : dto.bank,
    bidBondStatus: dto.status ?? base.bidBondStatus,
  };
}

function representativeOf(dto: RepresentativeDto | null | undefined): AuthorisedRepresentative | null {
  if (!dto) return null;
  return { name: dto.name, title: dto.title ?? null, idNumber: dto.idNumber ?? null, phone: dto.phone ?? null };
}

/** What an audit entry keeps of a tender. */
function fieldsOf(t: Tender | TenderFields): TenderFields {
  return {
    tenderNo: t.tenderNo,
    projectName: t.projectName,
    lot: t.lot,
    buyer: t.buyer,
    agency: t.agency,
    deadline: t.deadline,
    bidValidityDays: t.bidValidityDays,
    bidBondAmount: t.bidBondAmount,
    bidBondForm: t.bidBondForm,
    bidBondBank: t.bidBondBank,
    bidBondStatus: t.bidBondStatus,
    currency: t.currency,
    quotationId: t.quotationId,
    salesOwnerId: t.salesOwnerId,
    language: t.language,
    requirements: t.requirements,
    selection: t.selection,
    representative: t.representative,
    status: t.status,
    notes: t.notes,
    createdBy: t.createdBy,
  };
}

/** Midnight at the start of a calendar day in the server's time zone (the zone deadlineDate is read in). */
function startOfDay(date: DateOnly): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d);
}

function criteriaOf(p: PerformanceRequirement, asOf: DateOnly): PerformanceCriteria {
  return {
    asOf,
    ...(p.industry ? { industry: p.industry } : {}),
    ...(p.productLine ? { productLine: p.productLine } : {}),
    ...(p.minAmount ? { minAmount: p.minAmount } : {}),
    ...(p.completedWithinYears ? { completedWithinYears: p.completedWithinYears } : {}),
  };
}

interface Evaluation {
  dates: TenderDates;
  qualifications: QualificationMatch<QualificationView>;
  matches: PerformanceView[];
  performance: PerformanceMatch<PerformanceView>;
}

/**
 * Tenders (招标项目): the record, its requirements, and the matching of qualifications and performance records
 * against them (tender-matching.ts holds the rules). Written by backoffice, sales and manager; read also by
 * finance; never by production or engineering (a tender carries prices). The package builder reads through
 * get, candidates and packageInput, and marks a package made with setStatus(…, 'generated').
 */
/** What a tender view shows of its quotation and sales owner. */
interface TenderLabels {
  quotations: Map<string, string>;
  users: Map<string, { name: string; email: string | null }>;
}

@Injectable()
export class TendersService implements OnModuleInit {
  constructor(
    private readonly tenders: TendersRepository,
    private readonly qualifications: QualificationsService,
    private readonly performance: PerformanceService,
    private readonly quotations: QuotationsService,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly demo: DemoDataRegistry,
    private readonly ownership: OwnershipService,
  ) {}

  onModuleInit(): void {
    // After quotations (40): the demo tender bids with the demo quotation.
    this.demo.register({ name: 'tenders', order: 50, load: () => this.loadDemo() });
  }

  // ---- reading ----

  async get(id: string): Promise<TenderView> {
    const t = await this.mustFind(id);
    return this.view(t, await this.labelsFor([t]));
  }

  /** A sales user (bound to their own records) lists only the tenders they own. */
  async list(user: TenderActor, query: TenderQuery): Promise<Page<TenderView>> {
    const salesOwnerId = this.ownership.listOwner(user, query.salesOwnerId);
    const [rows, total] = await this.tenders.page(
      {
        q: query.q?.trim() || undefined,
        status: query.status,
        salesOwnerId,
        deadlineFrom: query.deadlineFrom ? startOfDay(query.deadlineFrom) : undefined,
        deadlineBefore: query.deadlineTo ? startOfDay(addDays(query.deadlineTo, 1)) : undefined,
        order: query.order === 'desc' ? 'DESC' : 'ASC',
      },
      query.page,
      query.pageSize,
    );
    const labels = await this.labelsFor(rows);
    return { items: rows.map((t) => this.view(t, labels)), total, page: query.page, pageSize: query.pageSize };
  }

  /** Qualifications and performance records against the requirements, on the deadline's day. */
  async candidates(id: string): Promise<TenderCandidates> {
    const t = await this.mustFind(id);
    return this.candidatesOf(t, await this.evaluate(t));
  }

  /** What the package is made of: the selection (or the proposal where a selection field is null), in package order. */
  async packageInput(id: string): Promise<TenderPackageInput> {
    const t = await this.mustFind(id);
    const e = await this.evaluate(t);
    const { qualifications, credit } = splitCredit(e.qualifications.selected);
    return {
      tender: this.view(t, await this.labelsFor([t])),
      qualifications,
      credit,
      performance: e.performance.selected,
      blocking: this.blockingOf(e),
      missingTypes: e.qualifications.missingTypes,
    };
  }

  // ---- writing ----

  async create(actor: TenderActor, dto: CreateTenderDto): Promise<TenderView> {
    const requirements = requirementsOf(dto.requirements, defaultRequirements());
    // A sales user's new tender is theirs unless they say otherwise (and they may not).
    const salesOwnerId = dto.salesOwnerId ?? this.ownership.ownerFilter(actor) ?? null;
    this.ownership.assertOwnerIsSelf(actor, salesOwnerId, 'tender');
    return this.tx.run(async () => {
      const quotation = dto.quotationId ? await this.checkQuotation(dto.quotationId, actor) : null;
      if (salesOwnerId) await this.checkOwner(salesOwnerId);
      const currency = dto.currency ?? quotation?.currency ?? 'CNY';
      if (quotation) this.checkCurrency(quotation, currency);
      const t = await this.tenders.create({
        tenderNo: dto.tenderNo.trim(),
        projectName: dto.projectName.trim(),
        lot: dto.lot ?? null,
        buyer: dto.buyer.trim(),
        agency: dto.agency ?? null,
        deadline: new Date(dto.deadline),
        bidValidityDays: dto.bidValidityDays ?? DEFAULT_BID_VALIDITY_DAYS,
        ...bondOf(dto.bidBond, NO_BOND),
        currency,
        quotationId: dto.quotationId ?? null,
        salesOwnerId,
        language: dto.language ?? 'zh-CN',
        requirements,
        selection: { qualificationIds: null, performanceIds: null },
        representative: representativeOf(dto.representative),
        status: 'preparing',
        notes: dto.notes ?? null,
        createdBy: actor.id,
      });
      await this.audit.record({
        actor,
        action: 'tender.create',
        entityType: ENTITY,
        entityId: t.id,
        details: { ...fieldsOf(t) },
      });
      return this.view(t, await this.labelsFor([t]));
    });
  }

  /**
   * Changes any field while the tender is being prepared (preparing, generated). Once submitted, won, lost or
   * cancelled only bidBond.status and notes may change (409 TENDER_LOCKED otherwise). The selection stays as it is
   * even when the requirements change: candidates then show what no longer fits (e.g. a type now missing).
   */
  async update(actor: TenderActor, id: string, dto: UpdateTenderDto, ifMatch?: ExpectedVersion): Promise<TenderView> {
    const required = ['tenderNo', 'projectName', 'buyer', 'deadline', 'bidValidityDays', 'currency', 'language'];
    const nulls = [...required, 'requirements'].filter((f) => (dto as Record<string, unknown>)[f] === null);
    if (nulls.length) {
      throw AppException.badRequest(
        ErrorCode.VALIDATION_FAILED,
        `Required fields cannot be null: ${nulls.join(', ')}`,
        {
          fields: nulls.map((field) => ({ field, messages: [`${field} cannot be null`] })),
        },
      );
    }
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.tenders.lockVersion(id), { type: 'tender', id });
      const t = await this.lock(id);
      if (isLocked(t.status)) {
        const fields = Object.entries(dto).flatMap(([key, value]) => {
          if (value === undefined || key === 'notes') return [];
          if (key === 'bidBond' && value !== null) {
            return Object.entries(value as BidBondDto)
              .filter(([k, v]) => v !== undefined && k !== 'status')
              .map(([k]) => `bidBond.${k}`);
          }
          return [key];
        });
        if (fields.length) {
          throw AppException.conflict(
            TenderError.TENDER_LOCKED,
            `Tender ${t.tenderNo} is ${t.status}: only bidBond.status and notes can change`,
            { id, status: t.status, fields },
          );
        }
      }
      const before = fieldsOf(t);
      if (dto.salesOwnerId !== t.salesOwnerId) this.ownership.assertOwnerIsSelf(actor, dto.salesOwnerId, 'tender');
      const quotation =
        dto.quotationId && dto.quotationId !== t.quotationId ? await this.checkQuotation(dto.quotationId, actor) : null;
      if (dto.salesOwnerId && dto.salesOwnerId !== t.salesOwnerId) await this.checkOwner(dto.salesOwnerId);

      if (dto.tenderNo !== undefined) t.tenderNo = dto.tenderNo.trim();
      if (dto.projectName !== undefined) t.projectName = dto.projectName.trim();
      if (dto.lot !== undefined) t.lot = dto.lot;
      if (dto.buyer !== undefined) t.buyer = dto.buyer.trim();
      if (dto.agency !== undefined) t.agency = dto.agency;
      if (dto.deadline) t.deadline = new Date(dto.deadline);
      if (dto.bidValidityDays) t.bidValidityDays = dto.bidValidityDays;
      Object.assign(t, bondOf(dto.bidBond, t));
      if (dto.quotationId !== undefined) t.quotationId = dto.quotationId;
      if (dto.salesOwnerId !== undefined) t.salesOwnerId = dto.salesOwnerId;
      if (dto.language) t.language = dto.language;
      // A new quotation brings its currency unless one is given.
      t.currency = dto.currency ?? quotation?.currency ?? t.currency;
      if (t.quotationId && (dto.currency || quotation)) {
        this.checkCurrency(quotation ?? (await this.quotations.get(t.quotationId)), t.currency);
      }
      t.requirements = requirementsOf(dto.requirements ?? undefined, t.requirements);
      if (dto.representative !== undefined) t.representative = representativeOf(dto.representative);
      if (dto.notes !== undefined) t.notes = dto.notes;

      const saved = await this.tenders.save(t);
      await this.audit.record({
        actor,
        action: 'tender.update',
        entityType: ENTITY,
        entityId: id,
        details: { before, after: fieldsOf(saved), changed: Object.keys(dto) },
      });
      return this.view(saved, await this.labelsFor([saved]));
    });
  }

  /**
   * Picks qualifications and performance records by hand (in package order) or accepts the proposal (null); an
   * absent field stays as it is. Every id must exist (422 UNKNOWN_QUALIFICATION / UNKNOWN_PERFORMANCE_RECORD,
   * nothing changed); a qualification of a type not asked for and a record that does not meet the criteria are
   * allowed (the latter does not count toward minCount). Answers the new candidates.
   */
  async select(actor: TenderActor, id: string, dto: SelectionDto): Promise<TenderCandidates> {
    return this.tx.run(async () => {
      const t = await this.lock(id);
      if (isLocked(t.status)) {
        throw AppException.conflict(
          TenderError.TENDER_LOCKED,
          `Tender ${t.tenderNo} is ${t.status}: the selection cannot change`,
          {
            id,
            status: t.status,
          },
        );
      }
      const { deadlineDate } = tenderDates(t.deadline, t.bidValidityDays);
      if (dto.qualificationIds) {
        const unknown = unknownIds(
          dto.qualificationIds,
          (await this.allQualifications(deadlineDate)).map((q) => q.id),
        );
        if (unknown.length) {
          throw AppException.unprocessable(
            TenderError.UNKNOWN_QUALIFICATION,
            `No such qualification: ${unknown.join(', ')}`,
            {
              field: 'qualificationIds',
              ids: unknown,
            },
          );
        }
      }
      if (dto.performanceIds) {
        const unknown = unknownIds(
          dto.performanceIds,
          (await this.performance.match({ asOf: deadlineDate })).map((r) => r.id),
        );
        if (unknown.length) {
          throw AppException.unprocessable(
            TenderError.UNKNOWN_PERFORMANCE_RECORD,
            `No such performance record: ${unknown.join(', ')}`,
            { field: 'performanceIds', ids: unknown },
          );
        }
      }
      if (dto.qualificationIds !== undefined || dto.performanceIds !== undefined) {
        const before = t.selection;
        t.selection = {
          qualificationIds: dto.qualificationIds === undefined ? before.qualificationIds : dto.qualificationIds,
          performanceIds: dto.performanceIds === undefined ? before.performanceIds : dto.performanceIds,
        };
        await this.tenders.save(t);
        await this.audit.record({
          actor,
          action: 'tender.selection',
          entityType: ENTITY,
          entityId: id,
          details: { before, after: t.selection },
        });
      }
      return this.candidatesOf(t, await this.evaluate(t));
    });
  }

  /** POST /status: submitted, won, lost, cancelled (409 INVALID_TRANSITION when the tender's life has no such step). */
  async changeStatus(actor: TenderActor, id: string, status: TenderStatus, reason?: string): Promise<TenderView> {
    const t = await this.move(actor, id, status, reason?.trim() || null);
    return this.view(t, await this.labelsFor([t]));
  }

  /** For the package builder: marks the tender `generated` (again) after a package was made. */
  async setStatus(actor: TenderActor, id: string, status: TenderStatus): Promise<void> {
    await this.move(actor, id, status, null);
  }

  /**
   * For the reminders (a system reader): the tenders still being prepared whose deadline's day is between `from` and
   * `until` (inclusive), each with the qualifications of its selection (the hand-picked ones, else the proposal)
   * that are expired on that day, by the package's own rule (matchQualifications: blocking). Tenders with none are
   * left out.
   */
  async qualificationsExpiringBeforeDeadline(from: DateOnly, until: DateOnly): Promise<TenderQualificationRisk[]> {
    const tenders = await this.tenders.openWithDeadlineIn(startOfDay(from), startOfDay(addDays(until, 1)));
    const out: TenderQualificationRisk[] = [];
    const byDay = new Map<DateOnly, QualificationView[]>();
    for (const t of tenders) {
      const dates = tenderDates(t.deadline, t.bidValidityDays);
      if (dates.deadlineDate < from || dates.deadlineDate > until) continue;
      let all = byDay.get(dates.deadlineDate);
      if (!all) byDay.set(dates.deadlineDate, (all = await this.allQualifications(dates.deadlineDate)));
      const match = matchQualifications(t.requirements.qualificationTypes, all, dates, t.selection.qualificationIds);
      const expired = match.blocking.filter((q) => q.status === 'expired');
      if (!expired.length) continue;
      out.push({
        id: t.id,
        tenderNo: t.tenderNo,
        projectName: t.projectName,
        deadlineDate: dates.deadlineDate,
        salesOwnerId: t.salesOwnerId,
        qualifications: expired.map((q) => ({ id: q.id, name: q.name, number: q.number, validTo: q.validTo })),
      });
    }
    return out;
  }

  // ---- internals ----

  private async move(actor: TenderActor, id: string, to: TenderStatus, reason: string | null): Promise<Tender> {
    return this.tx.run(async () => {
      const t = await this.lock(id);
      const from = t.status;
      if (!canMove(from, to)) {
        throw AppException.conflict(
          ErrorCode.INVALID_TRANSITION,
          `Tender ${t.tenderNo} is ${from}: it cannot become ${to}`,
          {
            id,
            from,
            to,
          },
        );
      }
      if (from === to) return t; // a new package for a generated tender: nothing changes here
      t.status = to;
      const saved = await this.tenders.save(t);
      await this.audit.record({
        actor,
        action: 'tender.status',
        entityType: ENTITY,
        entityId: id,
        details: { tenderNo: t.tenderNo, from, to, ...(reason ? { reason } : {}) },
      });
      return saved;
    });
  }

  /** Every qualification the company holds, with its status on `date`. */
  private async allQualifications(date: DateOnly): Promise<QualificationView[]> {
    const checks = await this.qualifications.validOn([...QUALIFICATION_TYPES], date);
    return checks.flatMap((c) => [...c.valid, ...c.expired, ...c.notYetValid]);
  }

  private async evaluate(t: Tender): Promise<Evaluation> {
    const dates = tenderDates(t.deadline, t.bidValidityDays);
    const { qualificationTypes, performance: criteria } = t.requirements;
    const qualifications = matchQualifications(
      qualificationTypes,
      await this.allQualifications(dates.deadlineDate),
      dates,
      t.selection.qualificationIds,
    );
    // No performance requirement: nothing is matched or proposed; records may still be picked by hand.
    const matches = criteria ? await this.performance.match(criteriaOf(criteria, dates.deadlineDate)) : [];
    const picked = t.selection.performanceIds;
    const matched = new Set(matches.map((m) => m.id));
    const others =
      picked && picked.some((pid) => !matched.has(pid))
        ? (await this.performance.match({ asOf: dates.deadlineDate })).filter(
            (r) => picked.includes(r.id) && !matched.has(r.id),
          )
        : [];
    const performance = matchPerformance(matches, others, criteria?.minCount ?? 0, picked);
    return { dates, qualifications, matches, performance };
  }

  private blockingOf(e: Evaluation): TenderCandidates['blocking'] {
    return e.qualifications.blocking.map((q) => ({ id: q.id, type: q.type, name: q.name, validTo: q.validTo }));
  }

  private candidatesOf(t: Tender, e: Evaluation): TenderCandidates {
    const { dates } = e;
    const selectedQ = new Set(e.qualifications.selected.map((q) => q.id));
    const selectedP = new Set(e.performance.selected.map((r) => r.id));
    const candidate = (q: QualificationView): QualificationCandidate => ({
      ...q,
      ...flagsOf(q, dates),
      selected: selectedQ.has(q.id),
    });
    const criteria = t.requirements.performance;
    return {
      tenderId: t.id,
      deadlineDate: dates.deadlineDate,
      validityEndDate: dates.validityEndDate,
      qualifications: e.qualifications.perType.map((p) => ({
        type: p.type,
        valid: p.valid.map(candidate),
        expired: p.expired.map(candidate),
        expiringBeforeValidityEnd: p.expiringBeforeValidityEnd.map(candidate),
        missing: p.missing,
      })),
      proposedQualificationIds: e.qualifications.proposedIds,
      performance: {
        criteria,
        matches: e.matches.map((m) => ({ ...m, selected: selectedP.has(m.id) })),
        proposedIds: e.performance.proposedIds,
        minCount: criteria?.minCount ?? 0,
        minCountMet: e.performance.minCountMet,
      },
      blocking: this.blockingOf(e),
      missingTypes: e.qualifications.missingTypes,
      warnings: e.qualifications.warnings.map((q) => ({
        id: q.id,
        type: q.type,
        name: q.name,
        validTo: q.validTo,
        message: warningMessage(q, dates, t.language),
      })),
    };
  }

  /** Quotation numbers and user names for a page of tenders, in two queries (not one service call per row). */
  private async labelsFor(rows: Tender[]): Promise<TenderLabels> {
    const ids = (pick: (t: Tender) => string | null) => [...new Set(rows.flatMap((t) => pick(t) ?? []))];
    // One after the other: a caller's transaction has one connection.
    const quotations = await this.quotations.numbers(ids((t) => t.quotationId));
    const users = await this.users.names(ids((t) => t.salesOwnerId));
    return { quotations, users };
  }

  private view(t: Tender, labels: TenderLabels): TenderView {
    const number = t.quotationId ? labels.quotations.get(t.quotationId) : undefined;
    const owner = t.salesOwnerId ? labels.users.get(t.salesOwnerId) : undefined;
    return {
      id: t.id,
      tenderNo: t.tenderNo,
      projectName: t.projectName,
      lot: t.lot,
      buyer: t.buyer,
      agency: t.agency,
      deadline: t.deadline,
      ...tenderDates(t.deadline, t.bidValidityDays),
      bidValidityDays: t.bidValidityDays,
      bidBond: { amount: t.bidBondAmount, form: t.bidBondForm, bank: t.bidBondBank, status: t.bidBondStatus },
      currency: t.currency,
      quotation: t.quotationId && number !== undefined ? { id: t.quotationId, number } : null,
      salesOwner: t.salesOwnerId && owner ? { id: t.salesOwnerId, ...owner } : null,
      language: t.language,
      requirements: t.requirements,
      selection: t.selection,
      representative: t.representative,
      status: t.status,
      notes: t.notes,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      version: t.version,
    };
  }

  /**
   * The quotation to bid with: it must exist (422 QUOTATION_NOT_FOUND), be one the actor may reach (403 NOT_YOUR_RECORD)
   * and not be rejected (422 QUOTATION_REJECTED).
   */
  private async checkQuotation(quotationId: string, actor: TenderActor): Promise<QuotationView> {
    const quotation = await this.quotations.find(quotationId);
    if (!quotation) {
      throw AppException.unprocessable(QuotationError.QUOTATION_NOT_FOUND, 'quotationId is not a quotation', {
        field: 'quotationId',
        quotationId,
      });
    }
    const owner = await this.ownership.ownerOf('quotation', quotationId);
    if (owner)
      this.ownership.assert(actor, owner, "quotationId is a quotation of another owner's customer", {
        field: 'quotationId',
        quotationId,
      });
    if (quotation.status === 'rejected') {
      throw AppException.unprocessable(
        TenderError.QUOTATION_REJECTED,
        `Quotation ${quotation.number} was rejected by the customer: bid with another one`,
        { field: 'quotationId', quotationId, number: quotation.number },
      );
    }
    return quotation;
  }

  /** The bid's total is the quotation's: both must be in one currency. */
  private checkCurrency(quotation: QuotationView, currency: string): void {
    if (quotation.currency !== currency) {
      throw AppException.unprocessable(
        ErrorCode.CURRENCY_MISMATCH,
        `Quotation ${quotation.number} is in ${quotation.currency}, the tender in ${currency}`,
        { field: 'currency', quotationCurrency: quotation.currency, currency },
      );
    }
  }

  private async checkOwner(userId: string): Promise<void> {
    const user = await this.users.find(userId);
    if (!user) {
      throw AppException.unprocessable(UserError.USER_NOT_FOUND, 'salesOwnerId is not a user', {
        field: 'salesOwnerId',
        salesOwnerId: userId,
      });
    }
    if (user.disabled) {
      throw AppException.unprocessable(TenderError.USER_DISABLED, 'salesOwnerId is a disabled user', {
        field: 'salesOwnerId',
        salesOwnerId: userId,
      });
    }
  }

  private async mustFind(id: string): Promise<Tender> {
    const t = await this.tenders.findById(id);
    if (!t) throw notFound(id);
    return t;
  }

  private async lock(id: string): Promise<Tender> {
    const t = await this.tenders.findByIdForUpdate(id);
    if (!t) throw notFound(id);
    return t;
  }

  /** One tender of the steel group for the sent demo quotation (demo/tenders.demo.ts). */
  private async loadDemo(): Promise<void> {
    const found = await this.quotations.listFor(
      DEMO_READER,
      Object.assign(new QuotationQuery(), { q: '青澜钢铁', status: 'sent', pageSize: 10 }),
    );
    const quotation = found.items[0];
    if (!quotation) throw new Error('demo tender: no sent demo quotation of 青澜钢铁集团');
    await this.create(SYSTEM_ACTOR, demoTender(todayIso(), quotation.id));
  }
}

function notFound(id: string): AppException {
  return AppException.notFound(TenderError.TENDER_NOT_FOUND, 'No such tender', { id });
}
