import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, type AuditEvent } from '../../modules/audit/audit.service.js';
import { FileError } from '../../modules/files/files.errors.js';
import type { Upload } from '../../modules/files/files.service.js';
import { AppException } from '../errors/app-exception.js';
import { importTable, type ImportOptions, type RowMatcher } from './import-table.js';
import type { ImportReport, TableSpec } from './table-spec.js';

export interface RecordImport<D extends object, E extends { id: string } = { id: string }> {
  actor: AuditEvent['actor'];
  dryRun: boolean;
  /** e.g. `customer.import`, audited once with the counts and the file name. */
  action: string;
  entityType: string;
  check?: ImportOptions<D>['check'];
  /** How a row finds the record it updates (see RowMatcher); without it every row is new. */
  match?: RowMatcher<D, E>;
  /** Writes the new records (inside the import's one transaction). */
  insert: (records: D[]) => Promise<void>;
  /**
   * Changes one matched record's `fields` to the row's values, through the module's own update (its rules, version
   * and audit entry), expecting the version the changes were computed on (a record changed meanwhile: STALE_RECORD).
   * Inside the import's transaction: a refusal (an AppException) refuses the whole file.
   */
  update?: (existing: E, record: D, fields: Extract<keyof D, string>[]) => Promise<unknown>;
}

/**
 * A record import as every module does it: the sheet, rows matched to the records they update, all rows or none in
 * one transaction, one audit entry for the file (and each update's own entry).
 */
@Injectable()
export class ImportRunner {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  run<D extends object, E extends { id: string } = { id: string }>(
    spec: TableSpec<D>,
    upload: Upload | undefined,
    opts: RecordImport<D, E>,
  ): Promise<ImportReport> {
    if (!upload) throw AppException.badRequest(FileError.FILE_MISSING, 'Send the sheet as the multipart field "file"');
    return importTable<D, E>(spec, upload.bytes, {
      dryRun: opts.dryRun,
      check: opts.check,
      match: opts.match,
      limits: this.config.imports,
      write: (plan, refuse) =>
        this.tx.run(async () => {
          for (const change of plan.changed) {
            if (!opts.update) throw new Error(`${spec.name}: rows matched records, but the import has no update`);
            try {
              await opts.update(change.existing, change.record, change.fields);
            } catch (err) {
              throw err instanceof AppException ? refuse(change.row, err) : err;
            }
          }
          if (plan.created.length) await opts.insert(plan.created.map((r) => r.record));
          await this.audit.record({
            actor: opts.actor,
            action: opts.action,
            entityType: opts.entityType,
            details: {
              count: plan.created.length + plan.changed.length,
              created: plan.created.length,
              changed: plan.changed.map((c) => c.existing.id),
              file: upload.originalName,
            },
          });
        }),
    });
  }
}
