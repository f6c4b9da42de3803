import { refuseNulls } from '../../common/validation.js';
import { ImportRunner } from '../../common/tabular/import-runner.js';
import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { QualificationError } from './qualifications.errors.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { Page } from '../../common/pagination.js';
import { daysBetween, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { exportTable, type ExportedFile, type ExportFormat } from '../../common/tabular/export-table.js';
import type { ImportReport } from '../../common/tabular/table-spec.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, type AuditEvent } from '../audit/index.js';
import { type AuthUser, canSeePrices } from '../auth/index.js';
import { FilesService, type FileDownload, type FileView, type Upload } from '../files/index.js';
import type { CreateQualificationDto } from './dto/create-qualification.dto.js';
import type { ExpiringQuery, QualificationFilter, QualificationListQuery } from './dto/qualification-query.dto.js';
import type { UpdateQualificationDto } from './dto/update-qualification.dto.js';
import {
  DEFAULT_EXPIRING_DAYS,
  inForce,
  qualificationStatus,
  type QualificationStatus,
} from './qualification-status.js';
import type { Qualification, QualificationType } from './qualification.entity.js';
import { QUALIFICATION_TABLE } from './qualifications.table.js';
import { QualificationsRepository, type QualificationSearch } from './qualifications.repository.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

export const QUALIFICATION_OWNER = 'qualification';
const SCAN = 'scan';

export interface QualificationView {
  id: string;
  type: QualificationType;
  name: string;
  number: string | null;
  issuer: string | null;
  grade: string | null;
  validFrom: DateOnly;
  validTo: DateOnly | null;
  notes: string | null;
  /** Derived from the dates on `statusOn` (see qualification-status.ts). */
  status: QualificationStatus;
  statusOn: DateOnly;
  /** validTo - statusOn in days (0 on the last valid day, negative once expired); null when permanent. */
  daysLeft: number | null;
  scans: FileView[];
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

/** Per requested type, for a tender deadline: the ones in force that day and the ones that are not. */
export interface QualificationCheck {
  type: QualificationType;
  /** In force on the date (valid or expiring). */
  valid: QualificationView[];
  /** Ended before the date: must never go silently into a tender. */
  expired: QualificationView[];
  /** Start after the date. */
  notYetValid: QualificationView[];
}

type Fields = Omit<Qualification, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

/** The stored fields, from a DTO (create, import) or a record (audit snapshots). */
const fieldsOf = (dto: CreateQualificationDto | Qualification): Fields => ({
  type: dto.type,
  name: dto.name,
  number: dto.number ?? null,
  issuer: dto.issuer ?? null,
  grade: dto.grade ?? null,
  validFrom: dto.validFrom,
  validTo: dto.validTo ?? null,
  notes: dto.notes ?? null,
});

const SCAN_KINDS = ['pdf', 'jpeg', 'png'] as const;

@Injectable()
export class QualificationsService {
  constructor(
    private readonly repo: QualificationsRepository,
    private readonly files: FilesService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly imports: ImportRunner,
  ) {}

  async create(actor: AuthUser, dto: CreateQualificationDto): Promise<QualificationView> {
    const saved = await this.tx.run(async () => {
      const q = await this.repo.create(fieldsOf(dto));
      await this.audit.record({
        actor,
        action: 'qualification.create',
        entityType: QUALIFICATION_OWNER,
        entityId: q.id,
        details: { ...fieldsOf(dto) },
      });
      return q;
    });
    return this.view(saved, todayIso(), DEFAULT_EXPIRING_DAYS);
  }

  async list(query: QualificationListQuery): Promise<Page<QualificationView>> {
    const search = this.search(query);
    const [items, total] = await this.repo.page(search, query.page, query.pageSize);
    return {
      items: await this.views(items, search.on, search.expiringWithinDays),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /** The renewal list: expiring within `days` and already expired, soonest (most overdue) first. */
  async expiring(query: ExpiringQuery): Promise<QualificationView[]> {
    const on = query.asOf ?? todayIso();
    const rows = await this.repo.all({ on, expiringWithinDays: query.days, statuses: ['expiring', 'expired'] });
    return this.views(rows, on, query.days);
  }

  async get(id: string): Promise<QualificationView> {
    return this.view(await this.mustFind(id), todayIso(), DEFAULT_EXPIRING_DAYS);
  }

  async update(
    actor: AuditEvent['actor'],
    id: string,
    dto: UpdateQualificationDto,
    ifMatch?: ExpectedVersion,
  ): Promise<QualificationView> {
    const saved = await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'qualification', id });
      const q = await this.mustFind(id);
      const before = fieldsOf(q);
      refuseNulls(dto, ['type', 'name', 'validFrom']);
      Object.assign(q, Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)));
      if (q.validTo !== null && q.validTo < q.validFrom) {
        throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'validTo must not be before validFrom', {
          fields: [
            { field: 'validTo', messages: [`validTo (${q.validTo}) must not be before validFrom (${q.validFrom})`] },
          ],
        });
      }
      const after = await this.repo.save(q);
      await this.audit.record({
        actor,
        action: 'qualification.update',
        entityType: QUALIFICATION_OWNER,
        entityId: id,
        details: { before, after: fieldsOf(after) },
      });
      return after;
    });
    return this.view(saved, todayIso(), DEFAULT_EXPIRING_DAYS);
  }

  /** Deletes the qualification and its scans (rows in the transaction, objects after it). */
  async remove(actor: AuthUser, id: string, ifMatch?: ExpectedVersion): Promise<{ id: string; deleted: true }> {
    const removedFiles = await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'qualification', id });
      const q = await this.mustFind(id);
      const files = await this.files.deleteRecords({ ownerType: QUALIFICATION_OWNER, ownerId: id });
      await this.repo.delete(id);
      await this.audit.record({
        actor,
        action: 'qualification.delete',
        entityType: QUALIFICATION_OWNER,
        entityId: id,
        details: { ...fieldsOf(q), scans: files.length },
      });
      return files;
    });
    await this.files.deleteObjects(removedFiles);
    return { id, deleted: true };
  }

  async addScan(actor: AuthUser, id: string, upload: Upload | undefined): Promise<FileView> {
    await this.mustFind(id);
    return this.files.store(
      upload,
      { ownerType: QUALIFICATION_OWNER, ownerId: id, purpose: SCAN, allowed: SCAN_KINDS, actor },
      (file) =>
        this.audit.record({
          actor,
          action: 'qualification.scan.add',
          entityType: QUALIFICATION_OWNER,
          entityId: id,
          details: { fileId: file.id, name: file.originalName, sha256: file.sha256, size: file.size },
        }),
    );
  }

  async scans(id: string): Promise<FileView[]> {
    await this.mustFind(id);
    return (await this.files.filesOf(QUALIFICATION_OWNER, [id], SCAN)).get(id) ?? [];
  }

  async openScan(id: string, fileId: string): Promise<FileDownload> {
    await this.mustFind(id);
    return this.files.open({ ownerType: QUALIFICATION_OWNER, ownerId: id }, fileId);
  }

  async removeScan(actor: AuthUser, id: string, fileId: string): Promise<{ id: string; deleted: true }> {
    const removed = await this.tx.run(async () => {
      await this.mustFind(id);
      const files = await this.files.deleteRecords({ ownerType: QUALIFICATION_OWNER, ownerId: id }, fileId);
      await this.audit.record({
        actor,
        action: 'qualification.scan.delete',
        entityType: QUALIFICATION_OWNER,
        entityId: id,
        details: { fileId, name: files[0].originalName },
      });
      return files;
    });
    await this.files.deleteObjects(removed);
    return { id: fileId, deleted: true };
  }

  /**
   * A CSV/XLSX of qualifications: rows match qualifications by ID (an export's) or certificate number and update them
   * through update(); other rows are new. All rows valid -> all written in one transaction; else 422 and nothing.
   */
  async import(actor: AuditEvent['actor'], upload: Upload | undefined, dryRun: boolean): Promise<ImportReport> {
    return this.imports.run<CreateQualificationDto, Qualification>(QUALIFICATION_TABLE, upload, {
      actor,
      dryRun,
      action: 'qualification.import',
      entityType: QUALIFICATION_OWNER,
      match: {
        keyColumns: ['number'],
        keyOf: (row) => (typeof row.number === 'string' && row.number.trim() ? row.number.trim() : null),
        byIds: (ids) => this.repo.findByIds(ids),
        byKeys: (numbers) => this.repo.findByNumbers(numbers),
        rowOf: (q) => fieldsOf(q),
      },
      insert: (records) => this.repo.insertMany(records.map(fieldsOf)),
      update: (q, row, fields) => {
        const data = fieldsOf(row);
        return this.update(actor, q.id, Object.fromEntries(fields.map((f) => [f, data[f]])), [q.version]);
      },
    });
  }

  async export(user: AuthUser, query: QualificationFilter, format: ExportFormat): Promise<ExportedFile> {
    const search = this.search(query);
    const rows = await this.repo.all(search);
    return exportTable(QUALIFICATION_TABLE, rows, format, { showPrices: canSeePrices(user) });
  }

  /**
   * For tenders: per requested type, the qualifications in force on `date` (e.g. the bid deadline) and
   * the expired and not-yet-valid ones, so that an expired one is never used silently. Types without any
   * qualification come back with three empty lists.
   */
  async validOn(
    types: QualificationType[],
    date: DateOnly,
    expiringWithinDays = DEFAULT_EXPIRING_DAYS,
  ): Promise<QualificationCheck[]> {
    const views = await this.views(
      await this.repo.all({ on: date, expiringWithinDays, types }),
      date,
      expiringWithinDays,
    );
    return [...new Set(types)].map((type) => {
      const ofType = views.filter((v) => v.type === type);
      return {
        type,
        valid: ofType.filter((v) => inForce(v.status)),
        expired: ofType.filter((v) => v.status === 'expired'),
        notYetValid: ofType.filter((v) => v.status === 'not_yet_valid'),
      };
    });
  }

  private search(query: QualificationFilter): QualificationSearch {
    if (query.validOn && query.asOf && query.validOn !== query.asOf) {
      throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'Give validOn or asOf, not both', {
        fields: [{ field: 'asOf', messages: ['validOn already sets the reference day'] }],
      });
    }
    const on = query.validOn ?? query.asOf ?? todayIso();
    const statuses: QualificationStatus[] | undefined = query.validOn ? ['valid', 'expiring'] : undefined;
    return {
      on,
      expiringWithinDays: query.expiringWithinDays,
      type: query.type,
      q: query.q,
      statuses: query.status ? (statuses && !statuses.includes(query.status) ? [] : [query.status]) : statuses,
    };
  }

  private async view(q: Qualification, on: DateOnly, days: number): Promise<QualificationView> {
    return (await this.views([q], on, days))[0];
  }

  private async views(rows: Qualification[], on: DateOnly, days: number): Promise<QualificationView[]> {
    const scans = await this.files.filesOf(
      QUALIFICATION_OWNER,
      rows.map((r) => r.id),
      SCAN,
    );
    return rows.map((q) => ({
      id: q.id,
      type: q.type,
      name: q.name,
      number: q.number,
      issuer: q.issuer,
      grade: q.grade,
      validFrom: q.validFrom,
      validTo: q.validTo,
      notes: q.notes,
      status: qualificationStatus(q, on, days),
      statusOn: on,
      daysLeft: q.validTo === null ? null : daysBetween(on, q.validTo),
      scans: scans.get(q.id) ?? [],
      createdAt: q.createdAt,
      updatedAt: q.updatedAt,
      version: q.version,
    }));
  }

  private async mustFind(id: string): Promise<Qualification> {
    const q = await this.repo.findById(id);
    if (!q) throw AppException.notFound(QualificationError.QUALIFICATION_NOT_FOUND, 'No such qualification', { id });
    return q;
  }
}
