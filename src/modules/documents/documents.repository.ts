import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { DocumentFile, type DocumentFormat } from './document-file.entity.js';
import type { DocumentOrigin } from './document-origin.js';
import { DocumentVersion } from './document-version.entity.js';
import { DocumentRecord } from './document.entity.js';

@Injectable()
export class DocumentsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  findById(id: string): Promise<DocumentRecord | null> {
    return this.repo(DocumentRecord).findOneBy({ id });
  }

  /** Only documents of this origin: a workflow never finds an ad-hoc document about its record, and the reverse. */
  findForSubject(
    origin: DocumentOrigin,
    type: string,
    subjectType: string,
    subjectId: string,
  ): Promise<DocumentRecord | null> {
    return this.repo(DocumentRecord).findOneBy({ origin, type, subjectType, subjectId });
  }

  /** The document of this origin and type about this subject, locked so two renders number their versions in turn. */
  findForSubjectLocked(
    origin: DocumentOrigin,
    type: string,
    subjectType: string,
    subjectId: string,
  ): Promise<DocumentRecord | null> {
    return this.repo(DocumentRecord)
      .createQueryBuilder('d')
      .setLock('pessimistic_write')
      .where('d.origin = :origin AND d.type = :type AND d.subject_type = :subjectType AND d.subject_id = :subjectId', {
        origin,
        type,
        subjectType,
        subjectId,
      })
      .getOne();
  }

  /** `id`: a caller-chosen id (a job's), else one is generated. */
  createDocument(
    data: Pick<
      DocumentRecord,
      'type' | 'subjectType' | 'subjectId' | 'title' | 'createdBy' | 'origin' | 'recordType' | 'recordNumber'
    > & { id?: string },
  ): Promise<DocumentRecord> {
    return this.repo(DocumentRecord).save(this.repo(DocumentRecord).create({ ...data, latestVersion: 0 }));
  }

  async setLatest(id: string, version: number, title: string, recordNumber: string | null): Promise<void> {
    await this.repo(DocumentRecord).update({ id }, { latestVersion: version, title, recordNumber });
  }

  createVersion(data: Omit<DocumentVersion, 'id' | 'createdAt' | 'document' | 'files'>): Promise<DocumentVersion> {
    return this.repo(DocumentVersion).save(this.repo(DocumentVersion).create(data));
  }

  /** A version's files in one INSERT (a statement has two: PDF and DOCX). */
  createFiles(data: Omit<DocumentFile, 'id' | 'version'>[]): Promise<DocumentFile[]> {
    return this.repo(DocumentFile).save(data.map((d) => this.repo(DocumentFile).create(d)));
  }

  versions(documentId: string): Promise<DocumentVersion[]> {
    return this.repo(DocumentVersion).find({
      where: { documentId },
      relations: { files: true },
      order: { version: 'ASC' },
    });
  }

  version(documentId: string, version: number): Promise<DocumentVersion | null> {
    return this.repo(DocumentVersion).findOne({ where: { documentId, version }, relations: { files: true } });
  }

  file(documentId: string, version: number, format: DocumentFormat): Promise<DocumentFile | null> {
    return this.repo(DocumentFile)
      .createQueryBuilder('f')
      .innerJoin('f.version', 'v')
      .where('v.document_id = :documentId AND v.version = :version AND f.format = :format', {
        documentId,
        version,
        format,
      })
      .getOne();
  }

  /** Which stored file has exactly these bytes (by hash), with its version. */
  findFileBySha256(sha256: string): Promise<DocumentFile | null> {
    return this.repo(DocumentFile).findOne({ where: { sha256 }, relations: { version: { document: true } } });
  }
}
