import { refuseNulls } from '../../common/validation.js';
import { ImportRunner } from '../../common/tabular/import-runner.js';
import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { PerformanceError } from './performance.errors.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { round2, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { minusYears, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { exportTable, type ExportedFile, type ExportFormat } from '../../common/tabular/export-table.js';
import type { ImportReport } from '../../common/tabular/table-spec.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, type AuditEvent } from '../audit/index.js';
import { type AuthUser, canSeePrices, hidePricesFor } from '../auth/index.js';
import { FilesService, type FileDownload, type FileView, type Upload } from '../files/index.js';
import type { CreatePerformanceRecordDto } from './dto/create-performance-record.dto.js';
import type { PerformanceFilter, PerformanceListQuery } from './dto/performance-query.dto.js';
import type { ProofKind } from './dto/proof-upload.dto.js';
import type { UpdatePerformanceRecordDto } from './dto/update-performance-record.dto.js';
import type { PerformanceRecord } from './performance-record.entity.js';
import { PERFORMANCE_TABLE } from './performance.table.js';
import { PerformanceRepository, type PerformanceFields, type PerformanceSearch } from './performance.repository.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

export const PERFORMANCE_OWNER = 'performance_record';
const PROOF = 'proof';
const PROOF_FILE_KINDS = ['pdf', 'jpeg', 'png'] as const;
/** The fields a production user never gets (absent, not zero). */
const PRICED_FIELDS = ['contractAmount'] as const;
/**
 * Proof files production may see: signature pages and invoices show the contract price, and "other" may
 * too, so only acceptance certificates are left for them.
 */
const PRICE_FREE_PROOFS: readonly string[] = ['acceptance_certificate'];

export interface PerformanceView {
  id: string;
  projectName: string;
  customerName: string;
  industry: string;
  productLine: string | null;
  contractAmount: Amount;
  currency: string;
  signedDate: DateOnly;
  completedDate: DateOnly | null;
  location: string | null;
  scope: string | null;
  proofs: FileView[];
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

/** What a tender asks of references: "similar projects in the last 3 years above ¥1,000,000". */
export interface PerformanceCriteria {
  industry?: string;
  productLine?: string;
  minAmount?: Amount;
  completedWithinYears?: number;
  /** The reference day for completedWithinYears (e.g. the tender's deadline). */
  asOf: DateOnly;
}

const fieldsOf = (src: CreatePerformanceRecordDto | PerformanceRecord): PerformanceFields => ({
  projectName: src.projectName,
  customerName: src.customerName,
  industry: src.industry,
  productLine: src.productLine ?? null,
  // Normalised here ("1300000.5" -> "1300000.50") so the answer to a write shows what was stored.
  contractAmount: round2(src.contractAmount),
  currency: src.currency ?? 'CNY',
  signedDate: src.signedDate,
  completedDate: src.completedDate ?? null,
  location: src.location ?? null,
  scope: src.scope ?? null,
});

/** A performance record's natural key: its project and customer, as written (trimmed). */
function projectKey(row: { projectName?: unknown; customerName?: unknown }): string | null {
  const project = typeof row.projectName === 'string' ? row.projectName.trim() : '';
  const customer = typeof row.customerName === 'string' ? row.customerName.trim() : '';
  return project && customer ? JSON.stringify([project, customer]) : null;
}

@Injectable()
export class PerformanceService {
  constructor(
    private readonly repo: PerformanceRepository,
    private readonly files: FilesService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly imports: ImportRunner,
  ) {}

  async create(actor: AuthUser, dto: CreatePerformanceRecordDto): Promise<PerformanceView> {
    const saved = await this.tx.run(async () => {
      const r = await this.repo.create(fieldsOf(dto));
      await this.audit.record({
        actor,
        action: 'performance.create',
        entityType: PERFORMANCE_OWNER,
        entityId: r.id,
        details: { ...fieldsOf(r) },
      });
      return r;
    });
    return (await this.views([saved]))[0];
  }

  async list(user: AuthUser, query: PerformanceListQuery): Promise<Page<Partial<PerformanceView>>> {
    const { search, sort, order } = this.search(user, query);
    const [rows, total] = await this.repo.page(search, sort, order, query.page, query.pageSize);
    return {
      items: (await this.views(rows)).map((v) => this.forUser(user, v)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async get(user: AuthUser, id: string): Promise<Partial<PerformanceView>> {
    return this.forUser(user, (await this.views([await this.mustFind(id)]))[0]);
  }

  async update(
    actor: AuditEvent['actor'],
    id: string,
    dto: UpdatePerformanceRecordDto,
    ifMatch?: ExpectedVersion,
  ): Promise<PerformanceView> {
    const saved = await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'performance record', id });
      const r = await this.mustFind(id);
      const before = fieldsOf(r);
      refuseNulls(dto, ['projectName', 'customerName', 'industry', 'contractAmount', 'currency', 'signedDate']);
      Object.assign(r, Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)));
      if (r.completedDate !== null && r.completedDate < r.signedDate) {
        throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'completedDate must not be before signedDate', {
          fields: [
            {
              field: 'completedDate',
              messages: [`completedDate (${r.completedDate}) must not be before signedDate (${r.signedDate})`],
            },
          ],
        });
      }
      const after = await this.repo.save(r);
      await this.audit.record({
        actor,
        action: 'performance.update',
        entityType: PERFORMANCE_OWNER,
        entityId: id,
        details: { before, after: fieldsOf(after) },
      });
      return after;
    });
    return (await this.views([saved]))[0];
  }

  async remove(actor: AuthUser, id: string, ifMatch?: ExpectedVersion): Promise<{ id: string; deleted: true }> {
    const removedFiles = await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'performance record', id });
      const r = await this.mustFind(id);
      const files = await this.files.deleteRecords({ ownerType: PERFORMANCE_OWNER, ownerId: id });
      await this.repo.delete(id);
      await this.audit.record({
        actor,
        action: 'performance.delete',
        entityType: PERFORMANCE_OWNER,
        entityId: id,
        details: { ...fieldsOf(r), proofs: files.length },
      });
      return files;
    });
    await this.files.deleteObjects(removedFiles);
    return { id, deleted: true };
  }

  async addProof(actor: AuthUser, id: string, kind: ProofKind, upload: Upload | undefined): Promise<FileView> {
    await this.mustFind(id);
    return this.files.store(
      upload,
      { ownerType: PERFORMANCE_OWNER, ownerId: id, purpose: PROOF, kind, allowed: PROOF_FILE_KINDS, actor },
      (file) =>
        this.audit.record({
          actor,
          action: 'performance.proof.add',
          entityType: PERFORMANCE_OWNER,
          entityId: id,
          details: { fileId: file.id, kind, name: file.originalName, sha256: file.sha256, size: file.size },
        }),
    );
  }

  async proofs(user: AuthUser, id: string): Promise<FileView[]> {
    await this.mustFind(id);
    return this.visibleProofs(user, (await this.files.filesOf(PERFORMANCE_OWNER, [id], PROOF)).get(id) ?? []);
  }

  async openProof(user: AuthUser, id: string, fileId: string): Promise<FileDownload> {
    await this.mustFind(id);
    const owner = { ownerType: PERFORMANCE_OWNER, ownerId: id };
    const file = await this.files.get(owner, fileId);
    if (!this.visibleProofs(user, [file]).length) {
      throw AppException.forbidden(
        PerformanceError.PRICES_HIDDEN,
        'This proof may show the contract price, which production users do not see',
        { fileId, kind: file.kind },
      );
    }
    return this.files.open(owner, fileId);
  }

  async removeProof(actor: AuthUser, id: string, fileId: string): Promise<{ id: string; deleted: true }> {
    const removed = await this.tx.run(async () => {
      await this.mustFind(id);
      const files = await this.files.deleteRecords({ ownerType: PERFORMANCE_OWNER, ownerId: id }, fileId);
      await this.audit.record({
        actor,
        action: 'performance.proof.delete',
        entityType: PERFORMANCE_OWNER,
        entityId: id,
        details: { fileId, kind: files[0].kind, name: files[0].originalName },
      });
      return files;
    });
    await this.files.deleteObjects(removed);
    return { id: fileId, deleted: true };
  }

  /**
   * A CSV/XLSX of performance records: rows match records by ID (an export's) or by project name and customer, and
   * update them through update(); other rows are new. All rows valid -> all written in one transaction; else 422.
   * The records have no contract number: a project for a customer is one reference, and its other fields (dates,
   * amount, scope) are what people correct in the sheet.
   */
  async import(actor: AuditEvent['actor'], upload: Upload | undefined, dryRun: boolean): Promise<ImportReport> {
    return this.imports.run<CreatePerformanceRecordDto, PerformanceRecord>(PERFORMANCE_TABLE, upload, {
      actor,
      dryRun,
      action: 'performance.import',
      entityType: PERFORMANCE_OWNER,
      match: {
        keyColumns: ['projectName', 'customerName'],
        keyOf: projectKey,
        byIds: (ids) => this.repo.findByIds(ids),
        byKeys: (keys) => this.repo.findByProjectNames(keys.map((k) => (JSON.parse(k) as string[])[0])),
        rowOf: (r) => fieldsOf(r),
      },
      insert: (records) => this.repo.insertMany(records.map(fieldsOf)),
      update: (r, row, fields) => {
        const data = fieldsOf(row);
        return this.update(actor, r.id, Object.fromEntries(fields.map((f) => [f, data[f]])), [r.version]);
      },
    });
  }

  /** The filtered list as a file; a production user's has no amount column at all. */
  async export(user: AuthUser, query: PerformanceFilter, format: ExportFormat): Promise<ExportedFile> {
    const { search, sort, order } = this.search(user, query);
    return exportTable(PERFORMANCE_TABLE, await this.repo.all(search, sort, order), format, {
      showPrices: canSeePrices(user),
    });
  }

  /**
   * For tenders: the records meeting the criteria, best first (the most recently completed, then the
   * largest). Amounts included: the caller decides who sees the result.
   */
  async match(criteria: PerformanceCriteria): Promise<PerformanceView[]> {
    const rows = await this.repo.ranked({
      industry: criteria.industry,
      productLine: criteria.productLine,
      minAmount: criteria.minAmount,
      ...(criteria.completedWithinYears
        ? { completedFrom: minusYears(criteria.asOf, criteria.completedWithinYears), completedTo: criteria.asOf }
        : {}),
    });
    return this.views(rows);
  }

  private search(
    user: AuthUser,
    query: PerformanceFilter,
  ): { search: PerformanceSearch; sort: PerformanceFilter['sort']; order: 'ASC' | 'DESC' } {
    // Filtering or sorting by amount would let a production user find the amounts out, one query at a time.
    if (!canSeePrices(user) && (query.minAmount || query.maxAmount || query.sort === 'amount')) {
      throw AppException.forbidden(PerformanceError.PRICES_HIDDEN, 'Production users cannot filter or sort by amount');
    }
    const asOf = query.asOf ?? todayIso();
    const order = query.order ?? (query.sort === 'name' ? 'asc' : 'desc');
    return {
      search: {
        q: query.q,
        industry: query.industry,
        productLine: query.productLine,
        currency: query.currency,
        minAmount: query.minAmount,
        maxAmount: query.maxAmount,
        ...(query.completedWithinYears
          ? { completedFrom: minusYears(asOf, query.completedWithinYears), completedTo: asOf }
          : {}),
      },
      sort: query.sort,
      order: order === 'asc' ? 'ASC' : 'DESC',
    };
  }

  private forUser(user: AuthUser, view: PerformanceView): Partial<PerformanceView> {
    return hidePricesFor(user, { ...view, proofs: this.visibleProofs(user, view.proofs) }, PRICED_FIELDS);
  }

  private visibleProofs(user: AuthUser, proofs: FileView[]): FileView[] {
    return canSeePrices(user) ? proofs : proofs.filter((p) => p.kind !== null && PRICE_FREE_PROOFS.includes(p.kind));
  }

  private async views(rows: PerformanceRecord[]): Promise<PerformanceView[]> {
    const proofs = await this.files.filesOf(
      PERFORMANCE_OWNER,
      rows.map((r) => r.id),
      PROOF,
    );
    return rows.map((r) => ({
      id: r.id,
      ...fieldsOf(r),
      proofs: proofs.get(r.id) ?? [],
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      version: r.version,
    }));
  }

  private async mustFind(id: string): Promise<PerformanceRecord> {
    const r = await this.repo.findById(id);
    if (!r)
      throw AppException.notFound(PerformanceError.PERFORMANCE_RECORD_NOT_FOUND, 'No such performance record', { id });
    return r;
  }
}
