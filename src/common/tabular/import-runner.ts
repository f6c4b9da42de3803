import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, type AuditEvent } from '../../modules/audit/audit.service.js';
import { FileError } from '../../modules/files/files.errors.js';
import type { Upload } from '../../modules/files/files.service.js';
import { AppException } from '../errors/app-exception.js';
import { importTable, type ImportOptions } from './import-table.js';
import type { ImportReport, TableSpec } from './table-spec.js';

export interface RecordImport<D extends object> {
  actor: AuditEvent['actor'];
  dryRun: boolean;
  /** e.g. `customer.import`, audited once with the count and the file name. */
  action: string;
  entityType: string;
  check?: ImportOptions<D>['check'];
  /** Writes every record (inside the import's one transaction). */
  insert: (records: D[]) => Promise<void>;
}

/** A record import as every module does it: the sheet, all rows or none in one transaction, one audit entry. */
@Injectable()
export class ImportRunner {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  run<D extends object>(spec: TableSpec<D>, upload: Upload | undefined, opts: RecordImport<D>): Promise<ImportReport> {
    if (!upload) throw AppException.badRequest(FileError.FILE_MISSING, 'Send the sheet as the multipart field "file"');
    return importTable(spec, upload.bytes, {
      dryRun: opts.dryRun,
      check: opts.check,
      limits: this.config.imports,
      write: (records) =>
        this.tx.run(async () => {
          await opts.insert(records);
          await this.audit.record({
            actor: opts.actor,
            action: opts.action,
            entityType: opts.entityType,
            details: { count: records.length, file: upload.originalName },
          });
        }),
    });
  }
}
