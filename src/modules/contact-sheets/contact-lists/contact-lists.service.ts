import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../../common/errors/app-exception.js';
import type { Page } from '../../../common/pagination.js';
import { todayIso, type DateOnly } from '../../../common/tabular/date-only.js';
import { AuditService } from '../../audit/index.js';
import { type AuthUser, notYourRecord, OwnershipService, type Role } from '../../auth/index.js';
import type { ContractStatus } from '../../contracts/index.js';
import { anyOf, DocumentsService, type DocumentView, DocumentIssuer } from '../../documents/index.js';
import { OutboxService, type OutboxMessageView } from '../../outbox/index.js';
import { ContactListService, mayReadFinanceList } from '../contact-list.service.js';
import { CONTACT_LIST_MAIL, contactListMailData, contactListMailKey } from './contact-list.mail.js';
import { ContactListsRepository } from './contact-lists.repository.js';
import { ContactSheetError } from '../contact-sheets.errors.js';
import {
  ISSUED_LIST_FORMATS,
  LIST_AUDIENCES,
  type IssuedContactList,
  type IssuedListFormat,
  type ListAudience,
} from './issued-contact-list.entity.js';

/**
 * Who issues contact lists: the back office, managers and finance (admin passes every rule); all of them may read
 * the finance list (mayReadFinanceList). Sales do not: an issued list is the company's, drawn over every customer,
 * not one sales owner's (the on-demand GET export gives a sales user the list of their own customers).
 */
export const LIST_ISSUERS = ['backoffice', 'manager', 'finance'] as const satisfies readonly Role[];
/**
 * Who reads issued lists: the issuers every list, production and engineering the production lists only. A user
 * bound to their own customers (sales, auth/ownership.ts) reads none, whatever other role they hold: 403 NOT_YOUR_RECORD.
 */
export const LIST_READERS = [...LIST_ISSUERS, 'production', 'engineering'] as const satisfies readonly Role[];

export const SUBJECT = 'contact-list';
const TEMPLATE = 'contact-list';

/** One document type per audience, so that /api/documents applies each audience's readers too. */
export const documentType = (audience: ListAudience) => `contact-list-${audience}`;

/** A stored file and its bytes, as DocumentsService hands them out. */
type StoredFile = Awaited<ReturnType<DocumentsService['file']>>;

export interface IssueContactListRequest {
  audience: ListAudience;
  from?: DateOnly;
  to?: DateOnly;
  statuses?: ContractStatus[];
  formats?: IssuedListFormat[];
  mailTo?: string[];
}

export interface IssuedContactListView {
  id: string;
  number: string;
  audience: ListAudience;
  period: { from: DateOnly | null; to: DateOnly | null };
  statuses: ContractStatus[];
  contractCount: number;
  document: { id: string; version: number; formats: IssuedListFormat[]; signed: boolean };
  mailTo: string[];
  issuedBy: { id: string | null; name: string };
  issuedAt: Date;
  mail: OutboxMessageView[];
}

/**
 * Issued contract contact lists (合同联系清单): the list of a period drawn for finance or production, issued through
 * the DocumentIssuer (signed PDF + DOCX stored, audited, mailed through the outbox) and kept as a record, so that
 * what was sent can be shown later. The data is the on-demand export's (ContactListService.data), with its rules.
 */
@Injectable()
export class ContactListsService implements OnModuleInit {
  constructor(
    private readonly lists: ContactListsRepository,
    private readonly listData: ContactListService,
    private readonly issuer: DocumentIssuer,
    private readonly documents: DocumentsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly ownership: OwnershipService,
  ) {}

  onModuleInit(): void {
    // /api/documents serves an issued list's files under the same rules as GET /api/contracts/contact-lists/{id}/file.
    this.documents.restrictReaders(documentType('finance'), mayReadFinanceList);
    this.documents.restrictReaders(documentType('production'), anyOf(LIST_READERS));
  }

  /**
   * Draws the list (403 FINANCE_LIST_NOT_ALLOWED for a finance list the user may not read), takes its number,
   * renders and signs it, then stores the document, the record, the audit entry and the mail in one transaction.
   * The number is taken before the render (it is printed on the list) in a statement of its own: a render or store
   * that fails afterwards leaves a gap in the year's CL numbers.
   */
  async issue(user: AuthUser, request: IssueContactListRequest): Promise<IssuedContactListView> {
    const locale = await this.listData.locale();
    const data = await this.listData.data(
      user,
      { audience: request.audience, from: request.from, to: request.to, statuses: request.statuses },
      locale,
    );
    const formats = request.formats ?? [...ISSUED_LIST_FORMATS];
    const mailTo = request.mailTo ?? [];
    const year = Number(todayIso().slice(0, 4));
    const number = `CL${year}-${String(await this.lists.nextSequence(year)).padStart(4, '0')}`;
    const id = randomUUID();
    const row = {
      id,
      number,
      audience: request.audience,
      periodFrom: request.from ?? null,
      periodTo: request.to ?? null,
      statuses: request.statuses ?? [],
      contractCount: data.count,
      mailTo,
      issuedBy: user.id,
      issuedByName: user.name,
    };
    await this.issuer.issue({
      actor: user,
      render: {
        template: TEMPLATE,
        data: { ...data, number, issuedBy: user.name },
        formats,
        sign: true,
        locale,
      },
      document: {
        type: documentType(request.audience),
        subject: { type: SUBJECT, id },
        record: { type: SUBJECT, number },
        title: (rendered) => `${rendered} ${number}`,
        fileBaseName: `contact-list-${number}`,
        bundle: false,
        auditDetails: { contactListId: id, number, audience: request.audience },
      },
      effect: async (doc) => {
        await this.lists.insert({ ...row, documentId: doc.documentId });
        await this.audit.record({
          actor: user,
          action: 'contact-list.issue',
          entityType: SUBJECT,
          entityId: id,
          details: {
            number,
            audience: request.audience,
            from: row.periodFrom,
            to: row.periodTo,
            statuses: row.statuses,
            contractCount: data.count,
            documentId: doc.documentId,
            version: doc.version,
            mailTo,
          },
        });
        return {};
      },
      mails: () =>
        mailTo.length
          ? [
              {
                key: contactListMailKey(id),
                about: { type: SUBJECT, id },
                audience: request.audience,
                to: mailTo,
                template: CONTACT_LIST_MAIL,
                locale,
                data: contactListMailData(row, data.count, user.name, data.company?.name ?? null),
                attach: [
                  formats.includes('pdf')
                    ? { format: 'pdf', fileName: `合同联系清单-${number}.pdf` }
                    : { format: 'docx', fileName: `合同联系清单-${number}.docx` },
                ],
              },
            ]
          : [],
    });
    return this.view(await this.mustFind(id));
  }

  /** Newest first; the production lists only for a user who may not read the finance list. */
  async list(user: AuthUser, page: number, pageSize: number): Promise<Page<IssuedContactListView>> {
    this.refuseBound(user);
    const audiences = mayReadFinanceList(user) ? LIST_AUDIENCES : (['production'] as const);
    const [rows, total] = await this.lists.list({ audiences }, page, pageSize);
    const items: IssuedContactListView[] = [];
    // One after the other: a page is at most 200 lists, and each view reads its document and its mail.
    for (const r of rows) items.push(await this.view(r));
    return { items, total, page, pageSize };
  }

  async get(user: AuthUser, id: string): Promise<IssuedContactListView> {
    return this.view(await this.readable(user, id));
  }

  async file(user: AuthUser, id: string, format: IssuedListFormat): Promise<StoredFile> {
    const row = await this.readable(user, id);
    return this.documents.file(row.documentId, format);
  }

  /** 404 CONTACT_LIST_NOT_FOUND; 403 NOT_YOUR_RECORD for a bound user; 403 FINANCE_LIST_NOT_ALLOWED. */
  private async readable(user: AuthUser, id: string): Promise<IssuedContactList> {
    const row = await this.mustFind(id);
    this.refuseBound(user);
    if (row.audience === 'finance' && !mayReadFinanceList(user)) {
      throw AppException.forbidden(
        ContactSheetError.FINANCE_LIST_NOT_ALLOWED,
        'The finance contact list (with amounts) is for finance, back office and managers',
        { id, audience: row.audience },
      );
    }
    return row;
  }

  private refuseBound(user: AuthUser): void {
    if (this.ownership.bound(user))
      throw notYourRecord("An issued contact list covers every customer's contracts, not only a sales owner's own");
  }

  private async mustFind(id: string): Promise<IssuedContactList> {
    const row = await this.lists.findById(id);
    if (!row)
      throw AppException.notFound(ContactSheetError.CONTACT_LIST_NOT_FOUND, 'No such issued contact list', { id });
    return row;
  }

  private async view(row: IssuedContactList): Promise<IssuedContactListView> {
    const doc: DocumentView = await this.documents.get(row.documentId);
    const latest = doc.versions.find((v) => v.version === doc.latestVersion);
    const mail = await this.outbox.forSubject(SUBJECT, row.id);
    return {
      id: row.id,
      number: row.number,
      audience: row.audience,
      period: { from: row.periodFrom, to: row.periodTo },
      statuses: row.statuses,
      contractCount: row.contractCount,
      document: {
        id: doc.id,
        version: doc.latestVersion,
        formats: (latest?.files ?? [])
          .map((f) => f.format)
          .filter((f): f is IssuedListFormat => (ISSUED_LIST_FORMATS as readonly string[]).includes(f)),
        signed: latest?.signed ?? false,
      },
      mailTo: row.mailTo,
      issuedBy: { id: row.issuedBy, name: row.issuedByName },
      issuedAt: row.issuedAt,
      mail,
    };
  }
}
