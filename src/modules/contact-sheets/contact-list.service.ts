import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ContactSheetError } from './contact-sheets.errors.js';
import { todayIso } from '../../common/tabular/date-only.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES, type Locale } from '../../rendering/rendering.types.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { CompanyService } from '../company/index.js';
import { type ContractStatus, ContractsService } from '../contracts/index.js';
import { LedgerReadModel } from '../read-models/index.js';
import { contactListXlsx } from './views/contact-list-xlsx.js';
import {
  financeList,
  productionList,
  type ContactListData,
  type ListAudience,
  type ListFormat,
  type ListHeader,
} from './views/contact-list.view.js';
import type { SheetCompany } from './views/contact-sheet.view.js';

export interface ContactListRequest {
  from?: string;
  to?: string;
  statuses?: ContractStatus[];
  audience?: ListAudience;
  format: ListFormat;
}

export interface ContactListFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The finance list (amounts, received, outstanding) is for these roles (admin too); the production list for everyone. */
const FINANCE_LIST_ROLES = ['finance', 'backoffice', 'manager'] as const;

export function mayReadFinanceList(user: Pick<AuthUser, 'roles'>): boolean {
  return user.roles.includes('admin') || FINANCE_LIST_ROLES.some((r) => user.roles.includes(r));
}

/**
 * The contract contact list (合同联系清单): the contracts signed in a period, for finance with amounts, received
 * and outstanding, for production without any amount. Rendered on request (not stored): PDF and DOCX through the
 * contact-list template, XLSX with exceljs.
 */
@Injectable()
export class ContactListService {
  constructor(
    private readonly contracts: ContractsService,
    private readonly ledger: LedgerReadModel,
    private readonly rendering: RenderingService,
    private readonly company: CompanyService,
    private readonly ownership: OwnershipService,
  ) {}

  async render(user: AuthUser, req: ContactListRequest): Promise<ContactListFile> {
    const locale = await this.locale();
    const data = await this.data(user, req, locale);
    const stem = `contact-list-${data.audience}-${req.from ?? 'all'}-${req.to ?? todayIso()}`;
    if (req.format === 'xlsx')
      return { body: await contactListXlsx(data), contentType: XLSX_TYPE, fileName: `${stem}.xlsx` };
    const rendered = await this.rendering.render({
      template: 'contact-list',
      data,
      formats: [req.format],
      sign: false,
      locale,
    });
    const file = rendered.files[0];
    return { body: file.bytes, contentType: CONTENT_TYPES[req.format], fileName: `${stem}.${file.extension}` };
  }

  /** An internal document: in the company's language (company/document-locale.ts). */
  locale(): Promise<Locale> {
    return this.company.documentLocaleFor({ audience: 'internal' });
  }

  /**
   * The list's data for this user, its words in `locale`: the production list is built from rows that have no
   * amount field.
   */
  async data(user: AuthUser, req: Omit<ContactListRequest, 'format'>, locale: Locale): Promise<ContactListData> {
    const audience = req.audience ?? (mayReadFinanceList(user) ? 'finance' : 'production');
    if (audience === 'finance' && !mayReadFinanceList(user)) {
      throw AppException.forbidden(
        ContactSheetError.FINANCE_LIST_NOT_ALLOWED,
        'The finance contact list (with amounts) is for finance, back office and managers; ask for audience=production',
        {
          audience,
        },
      );
    }
    // A sales user's list holds only the contracts of customers they own (auth/ownership.ts).
    const customerIds = await this.ownership.customerScope(user);
    const contracts = await this.contracts.forContactList({
      from: req.from,
      to: req.to,
      statuses: req.statuses,
      customerIds,
    });
    const header: ListHeader = {
      company: await this.companyHeader(),
      generatedAt: new Date().toISOString(),
      period: { from: req.from ?? null, to: req.to ?? null },
      statuses: req.statuses ?? [],
    };
    if (audience === 'production') return productionList(contracts, header, locale);
    return financeList(contracts, await this.ledger.receivedByContract(contracts.map((c) => c.id)), header);
  }

  private async companyHeader(): Promise<SheetCompany | null> {
    const p = await this.company.findProfile();
    if (!p) return null;
    return { name: p.legalNameZh, nameEn: p.legalNameEn, address: p.addressZh, phone: p.phone, taxId: p.creditCode };
  }
}
