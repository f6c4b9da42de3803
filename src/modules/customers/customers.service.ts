import { ImportRunner } from '../../common/tabular/import-runner.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { CustomerError } from './customers.errors.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { Page } from '../../common/pagination.js';
import { exportTable, type ExportedFile, type ExportFormat } from '../../common/tabular/export-table.js';
import type { ImportReport, RowError } from '../../common/tabular/table-spec.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, SYSTEM_ACTOR } from '../audit/index.js';
import { hasRole, type AuthUser, OwnershipService } from '../auth/index.js';
import { looksLikeUscc } from '../company/index.js';
import type { Upload } from '../files/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { UsersService } from '../users/index.js';
import type { CustomerContact } from './customer-contact.entity.js';
import type { Customer } from './customer.entity.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { CustomersRepository, type ContactData, type CustomerData } from './customers.repository.js';
import { CUSTOMER_TABLE, customerRow } from './customers.table.js';
import { DEMO_CUSTOMERS_CSV } from './demo-data.js';
import type { ContactDto, CreateCustomerDto, UpdateCustomerDto } from './dto/customer.dto.js';
import type { CustomerFilter, CustomerQuery } from './dto/customer-query.dto.js';
import type { CustomerRowDto } from './dto/customer-row.dto.js';

/** A signed-in user, or the system (demo data, imports), which is not bound by the sales-owner rule. */
export type Actor = AuthUser | typeof SYSTEM_ACTOR;

export interface ContactView {
  id: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  billing: boolean;
}

export interface CustomerView {
  id: string;
  name: string;
  nameEn: string | null;
  taxId: string | null;
  address: string | null;
  phone: string | null;
  /** The language of the documents and mails for this customer; null: the company's. */
  locale: Locale | null;
  salesOwner: { id: string; name: string } | null;
  notes: string | null;
  archived: boolean;
  contacts: ContactView[];
  /** The contact with billing: true (statements are mailed to them), or null. */
  billingContact: ContactView | null;
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

const contactView = (c: CustomerContact): ContactView => ({
  id: c.id,
  name: c.name,
  title: c.title,
  phone: c.phone,
  email: c.email,
  billing: c.billing,
});

function view(c: Customer, owners: Map<string, { name: string }>): CustomerView {
  const owner = c.salesOwnerId ? owners.get(c.salesOwnerId) : undefined;
  const contacts = (c.contacts ?? []).map(contactView);
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    taxId: c.taxId,
    address: c.address,
    phone: c.phone,
    locale: c.locale,
    salesOwner: c.salesOwnerId && owner ? { id: c.salesOwnerId, name: owner.name } : null,
    notes: c.notes,
    archived: c.archived,
    contacts,
    billingContact: contacts.find((ct) => ct.billing) ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

/** What the audit log keeps of a customer: its fields, contacts by name. */
function auditFields(c: CustomerView) {
  const { createdAt: _c, updatedAt: _u, version: _v, salesOwner, contacts, billingContact: _b, ...rest } = c;
  return { ...rest, salesOwnerId: salesOwner?.id ?? null, contacts: contacts.map(({ id: _id, ...ct }) => ct) };
}

function contactData(list: ContactDto[]): ContactData[] {
  if (list.filter((c) => c.billing === true).length > 1) {
    throw AppException.badRequest(
      CustomerError.MULTIPLE_BILLING_CONTACTS,
      'At most one contact can be the billing contact',
      {
        billing: list.flatMap((c, i) => (c.billing ? [`contacts[${i}]`] : [])),
      },
    );
  }
  return list.map((c) => ({
    name: c.name,
    title: c.title ?? null,
    phone: c.phone ?? null,
    email: c.email ?? null,
    billing: c.billing ?? false,
  }));
}

/** The stored fields of a new customer (API or sheet row). */
function customerData(
  dto: Omit<CreateCustomerDto, 'salesOwnerId' | 'contacts'>,
  salesOwnerId: string | null,
): CustomerData {
  return {
    name: dto.name,
    nameEn: dto.nameEn ?? null,
    taxId: normaliseTaxId(dto.taxId),
    address: dto.address ?? null,
    phone: dto.phone ?? null,
    locale: dto.locale ?? null,
    salesOwnerId,
    notes: dto.notes ?? null,
    archived: false,
  };
}

/** The sheet's two groups of contact columns: the main contact first, then the billing contact. */
const CONTACT_COLUMNS = [
  { name: 'contactName', title: 'contactTitle', phone: 'contactPhone', email: 'contactEmail', billing: false },
  {
    name: 'billingContactName',
    title: 'billingContactTitle',
    phone: 'billingContactPhone',
    email: 'billingContactEmail',
    billing: true,
  },
] as const;

function rowContacts(row: CustomerRowDto): ContactDto[] {
  return CONTACT_COLUMNS.flatMap((g) => {
    const name = row[g.name];
    return name ? [{ name, title: row[g.title], phone: row[g.phone], email: row[g.email], billing: g.billing }] : [];
  });
}

/**
 * The UpdateCustomerDto of an import row's changed columns. Contacts are replaced as a list: the main and the billing
 * contact by the row's, any further contacts (the sheet has no columns for them) kept as they are.
 */
function changedFields(
  existing: CustomerView,
  row: CustomerRowDto,
  fields: (keyof CustomerRowDto)[],
  ownerOf: (row: CustomerRowDto) => string | null,
): UpdateCustomerDto {
  const dto: UpdateCustomerDto = {};
  const data = customerData(row, null);
  for (const f of fields) {
    if (
      f === 'name' ||
      f === 'nameEn' ||
      f === 'taxId' ||
      f === 'address' ||
      f === 'phone' ||
      f === 'notes' ||
      f === 'locale'
    )
      Object.assign(dto, { [f]: data[f] });
    if (f === 'salesOwner') dto.salesOwnerId = ownerOf(row);
  }
  if (fields.some((f) => CONTACT_COLUMNS.some((g) => [g.name, g.title, g.phone, g.email].includes(f as never)))) {
    const [main, billing] = CONTACT_COLUMNS.map((g) => rowContacts(row).find((c) => c.billing === g.billing));
    const asDto = (c: ContactView): ContactDto => ({
      name: c.name,
      title: c.title,
      phone: c.phone,
      email: c.email,
      billing: c.billing,
    });
    const oldMain = existing.contacts.find((c) => !c.billing);
    const kept = existing.contacts.flatMap((c) =>
      c === oldMain ? (main ? [main] : []) : c.billing ? (billing ? [billing] : []) : [asDto(c)],
    );
    if (main && !oldMain) kept.unshift(main);
    if (billing && !existing.billingContact) kept.push(billing);
    dto.contacts = kept;
  }
  return dto;
}

function notYours(row: number, field: string | null, message: string): RowError {
  return {
    row,
    field,
    column: field ? headerOf(field as keyof CustomerRowDto) : undefined,
    code: ErrorCode.NOT_YOUR_RECORD,
    message,
  };
}

const headerOf = (key: keyof CustomerRowDto) => CUSTOMER_TABLE.columns.find((c) => c.key === key)?.header;

/** What the DTO cannot see in one field: a sales owner who is no user; a contact's details without a name. */
function rowProblems(row: CustomerRowDto, line: number, owners: Map<string, string>): RowError[] {
  const problems: RowError[] = [];
  if (row.salesOwner !== undefined && !owners.has(row.salesOwner)) {
    problems.push({
      row: line,
      field: 'salesOwner',
      column: headerOf('salesOwner'),
      message: `No user is called "${row.salesOwner}"`,
    });
  }
  for (const g of CONTACT_COLUMNS) {
    if (row[g.name] === undefined && [row[g.title], row[g.phone], row[g.email]].some((v) => v !== undefined)) {
      problems.push({
        row: line,
        field: g.name,
        column: headerOf(g.name),
        message: `${headerOf(g.name)} is empty, but the row has that contact's title, phone or email`,
      });
    }
  }
  return problems;
}

/**
 * Customers and their contacts. Everyone may read; admin and backoffice write any customer; a sales user
 * reads and writes only the customers they own (NOT_YOUR_RECORD, auth/ownership.ts), and cannot give one away.
 */
@Injectable()
export class CustomersService implements OnModuleInit {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly imports: ImportRunner,
    private readonly demo: DemoDataRegistry,
    private readonly ownership: OwnershipService,
  ) {}

  onModuleInit(): void {
    this.demo.register({ name: 'customers', order: 20, load: () => this.loadDemo() });
  }

  async get(id: string): Promise<CustomerView> {
    return this.view(await this.mustFind(id));
  }

  /** The customer, or null when there is none: for other modules checking an id they were given. */
  async find(id: string): Promise<CustomerView | null> {
    const customer = await this.customers.findById(id);
    return customer && this.view(customer);
  }

  /**
   * The customer a new quotation or contract is made for: 422 CUSTOMER_NOT_FOUND when the id names none (it comes from
   * the request body, not the path), 422 CUSTOMER_ARCHIVED when archived.
   */
  async requireActive(customerId: string): Promise<CustomerView> {
    const customer = await this.find(customerId);
    if (!customer) {
      throw AppException.unprocessable(CustomerError.CUSTOMER_NOT_FOUND, 'customerId is not a customer', {
        customerId,
      });
    }
    if (customer.archived) {
      throw AppException.unprocessable(CustomerError.CUSTOMER_ARCHIVED, `Customer ${customer.name} is archived`, {
        customerId,
      });
    }
    return customer;
  }

  /** The customers with these ids that exist (archived ones included), by name. */
  async findByIds(ids: string[]): Promise<CustomerView[]> {
    return this.views(await this.customers.findByIds([...new Set(ids)]));
  }

  /** A sales user (bound to their own records) lists only the customers they own. */
  async list(user: Actor, query: CustomerQuery): Promise<Page<CustomerView>> {
    const { page, pageSize, ...filter } = query;
    const salesOwnerId = this.ownership.listOwner(user, filter.salesOwnerId);
    const [items, total] = await this.customers.list(
      { ...filter, salesOwnerId, q: filter.q?.trim() || undefined },
      page,
      pageSize,
    );
    return { items: await this.views(items), total, page, pageSize };
  }

  /** The filtered list as a sheet that imports back as it is. Customers carry no prices: one file for everyone. */
  async export(user: Actor, filter: CustomerFilter, format: ExportFormat): Promise<ExportedFile> {
    const salesOwnerId = this.ownership.listOwner(user, filter.salesOwnerId);
    const customers = await this.customers.all({ ...filter, salesOwnerId, q: filter.q?.trim() || undefined });
    return exportTable(CUSTOMER_TABLE, (await this.views(customers)).map(customerRow), format, { showPrices: true });
  }

  /**
   * A CSV/XLSX of customers: rows match customers by ID (an export's) or tax id and update them through update()
   * (its ownership rules, version and audit entry); other rows are new. Every row valid -> all written in one
   * transaction; else 422 IMPORT_INVALID and nothing. Sales owners are given by user name; a sales user (bound to
   * their own customers) imports only their own customers, new ones becoming theirs.
   */
  async import(actor: Actor, upload: Upload | undefined, dryRun: boolean): Promise<ImportReport> {
    // User names are unique: read them once for the whole sheet.
    const owners = new Map((await this.users.list()).map((u) => [u.name, u.id]));
    const ownerOf = (row: CustomerRowDto) =>
      row.salesOwner !== undefined ? (owners.get(row.salesOwner) ?? null) : (this.ownership.ownerFilter(actor) ?? null);
    const bound = this.ownership.bound(actor);
    return this.imports.run<CustomerRowDto, CustomerView>(CUSTOMER_TABLE, upload, {
      actor,
      dryRun,
      action: 'customer.import',
      entityType: 'customer',
      check: (row, line) => [
        ...rowProblems(row, line, owners),
        ...(bound && row.salesOwner !== undefined && owners.get(row.salesOwner) !== (actor as AuthUser).id
          ? [notYours(line, 'salesOwner', 'A sales user cannot give a customer to another sales owner')]
          : []),
      ],
      match: {
        keyColumns: ['taxId'],
        keyOf: (row) => (typeof row.taxId === 'string' ? normaliseTaxId(row.taxId) : null),
        byIds: async (ids) => this.views(await this.customers.findByIds(ids)),
        byKeys: async (taxIds) => this.views(await this.customers.findByTaxIds(taxIds)),
        rowOf: customerRow,
        // Checked before any change is listed: a sales user learns nothing of another owner's customer.
        checkMatch: (existing, row, changes, line) => {
          if (!bound) return [];
          if (existing.salesOwner?.id !== (actor as AuthUser).id)
            return [notYours(line, null, 'This customer belongs to another sales owner')];
          if (changes.some((c) => c.field === 'salesOwner') && row.salesOwner === undefined)
            return [notYours(line, 'salesOwner', 'A sales user cannot give a customer to another sales owner')];
          return [];
        },
      },
      insert: (rows) =>
        this.customers.insertMany(
          rows.map((row) => ({ customer: customerData(row, ownerOf(row)), contacts: contactData(rowContacts(row)) })),
        ),
      update: (existing, row, fields) =>
        this.update(actor, existing.id, changedFields(existing, row, fields, ownerOf), [existing.version]),
    });
  }

  async create(actor: Actor, dto: CreateCustomerDto): Promise<CustomerView> {
    return this.tx.run(async () => {
      // A sales user's new customer is theirs unless they say otherwise (and they may not).
      const salesOwnerId =
        dto.salesOwnerId !== undefined ? dto.salesOwnerId : (this.ownership.ownerFilter(actor) ?? null);
      this.ownership.assertOwnerIsSelf(actor, salesOwnerId, 'customer');
      await this.checkOwner(salesOwnerId);
      const contacts = contactData(dto.contacts ?? []);
      const created = await this.customers.create(customerData(dto, salesOwnerId));
      await this.customers.replaceContacts(created.id, contacts);
      const saved = await this.view(await this.mustFind(created.id));
      await this.audit.record({
        actor,
        action: 'customer.create',
        entityType: 'customer',
        entityId: saved.id,
        details: { after: auditFields(saved) },
      });
      return saved;
    });
  }

  /** Changes the fields given; `contacts`, when given, replaces the whole list. */
  async update(actor: Actor, id: string, dto: UpdateCustomerDto, ifMatch?: ExpectedVersion): Promise<CustomerView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.customers.lockVersion(id), { type: 'customer', id });
      const customer = await this.mustFind(id);
      // The ownership guard let only the owner of this customer through when they are bound (see auth/ownership.ts).
      this.ownership.assert(actor, customer, 'This customer belongs to another sales owner', { id });
      this.ownership.assertOwnerIsSelf(actor, dto.salesOwnerId, 'customer');
      if (boundToOwnCustomers(actor)) {
        if (dto.archived !== undefined)
          throw AppException.forbidden(ErrorCode.FORBIDDEN, 'Only admin and backoffice archive or restore customers', {
            id,
          });
      }
      if (dto.salesOwnerId !== undefined && dto.salesOwnerId !== customer.salesOwnerId)
        await this.checkOwner(dto.salesOwnerId);
      const contacts = dto.contacts ? contactData(dto.contacts) : null;
      const before = await this.view(customer);
      if (dto.name !== undefined) customer.name = dto.name;
      if (dto.nameEn !== undefined) customer.nameEn = dto.nameEn;
      if (dto.taxId !== undefined) customer.taxId = normaliseTaxId(dto.taxId);
      if (dto.address !== undefined) customer.address = dto.address;
      if (dto.phone !== undefined) customer.phone = dto.phone;
      if (dto.locale !== undefined) customer.locale = dto.locale;
      if (dto.salesOwnerId !== undefined) customer.salesOwnerId = dto.salesOwnerId;
      if (dto.notes !== undefined) customer.notes = dto.notes;
      if (dto.archived !== undefined) customer.archived = dto.archived;
      if (contacts) customer.updatedAt = new Date(); // the customer changed (and its version) even when only its contacts did
      await this.customers.save(customer);
      if (contacts) await this.customers.replaceContacts(id, contacts);
      const after = await this.view(await this.mustFind(id));
      await this.audit.record({
        actor,
        action: 'customer.update',
        entityType: 'customer',
        entityId: id,
        details: { before: auditFields(before), after: auditFields(after) },
      });
      return after;
    });
  }

  /** DELETE archives (see Customer.archived); archiving an archived customer changes nothing. */
  async archive(actor: Actor, id: string, ifMatch?: ExpectedVersion): Promise<CustomerView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.customers.lockVersion(id), { type: 'customer', id });
      const customer = await this.mustFind(id);
      if (customer.archived) return this.view(customer);
      customer.archived = true;
      await this.customers.save(customer);
      await this.audit.record({
        actor,
        action: 'customer.archive',
        entityType: 'customer',
        entityId: id,
        details: { name: customer.name },
      });
      return this.view(await this.mustFind(id));
    });
  }

  private async checkOwner(salesOwnerId: string | null): Promise<void> {
    if (salesOwnerId === null) return;
    if (!(await this.users.find(salesOwnerId))) {
      throw AppException.unprocessable(CustomerError.SALES_OWNER_NOT_FOUND, 'salesOwnerId is not a user', {
        salesOwnerId,
      });
    }
  }

  /** The views of these rows, their sales owners' names asked of the users module in one call. */
  private async views(rows: Customer[]): Promise<CustomerView[]> {
    const owners = await this.users.names(rows.flatMap((c) => (c.salesOwnerId ? [c.salesOwnerId] : [])));
    return rows.map((c) => view(c, owners));
  }

  private async view(c: Customer): Promise<CustomerView> {
    return (await this.views([c]))[0]!;
  }

  private async mustFind(id: string): Promise<Customer> {
    const customer = await this.customers.findById(id);
    if (!customer) throw AppException.notFound(CustomerError.CUSTOMER_NOT_FOUND, 'No such customer', { id });
    return customer;
  }

  /** Through the import, as a user's sheet would go. */
  private async loadDemo(): Promise<void> {
    const csv = Buffer.from(DEMO_CUSTOMERS_CSV, 'utf8');
    await this.import(SYSTEM_ACTOR, { originalName: 'customers.demo.csv', bytes: csv }, false);
  }
}

/** A user writing as sales (not admin or backoffice): may not archive or restore. */
function boundToOwnCustomers(actor: Actor): actor is AuthUser {
  return 'roles' in actor && !hasRole(actor, 'backoffice');
}

/** A USCC is kept in capitals, as printed on licences; other tax numbers as given. */
function normaliseTaxId(taxId: string | null | undefined): string | null {
  if (!taxId) return null;
  return looksLikeUscc(taxId) ? taxId.toUpperCase() : taxId;
}
