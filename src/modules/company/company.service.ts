import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { FileError, checkImageDimensions } from '../files/index.js';
import { CompanyError } from './company.errors.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { ObjectStorage, sha256Hex } from '../../infrastructure/storage/object-storage.js';
import { AuditService, SYSTEM_ACTOR, type AuditEvent } from '../audit/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import type { BankAccount, CompanyProfile } from './company-profile.entity.js';
import { SEAL_KINDS, type CompanySeal, type SealKind } from './company-seal.entity.js';
import { CompanyRepository } from './company.repository.js';
import { documentLocale, type DocumentReader } from './document-locale.js';
import { DEMO_COMPANY, demoSealPng } from './demo-data.js';
import type { CompanyProfileDto, UpdateCompanyProfileDto } from './dto/company-profile.dto.js';
import { inspectPng } from './png.js';
import { DEFAULT_LOCALE, type Locale } from '../../rendering/rendering.types.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

export type Actor = AuditEvent['actor'];

/** 2 MB: a seal scanned at 600 dpi as an RGBA PNG is a few hundred kilobytes. */
export const MAX_SEAL_BYTES = 2 * 1024 * 1024;

export const fileTooLarge = (size?: number) =>
  new AppException(413, FileError.FILE_TOO_LARGE, `A seal image may be at most ${MAX_SEAL_BYTES} bytes`, {
    limit: MAX_SEAL_BYTES,
    ...(size ? { size } : {}),
  });

/**
 * 404 COMPANY_PROFILE_NOT_SET on the company's own routes; a document that cannot be made without the seller answers
 * 409 with the same code and message.
 */
export function companyProfileNotSet(status: HttpStatus.NOT_FOUND | HttpStatus.CONFLICT = HttpStatus.NOT_FOUND) {
  return new AppException(
    status,
    CompanyError.COMPANY_PROFILE_NOT_SET,
    'The company profile has not been set up yet (PUT /api/company)',
  );
}

export interface SealView {
  kind: SealKind;
  sha256: string;
  size: number;
  width: number;
  height: number;
  uploadedAt: Date;
}

export interface CompanyProfileView {
  id: string;
  legalNameZh: string;
  legalNameEn: string | null;
  creditCode: string;
  addressZh: string | null;
  addressEn: string | null;
  postalCode: string | null;
  phone: string | null;
  fax: string | null;
  email: string | null;
  website: string | null;
  legalRepresentative: string | null;
  bankAccounts: BankAccount[];
  /** The language of the company's documents (and of a customer's without one of its own). */
  documentLocale: Locale;
  /** Which seal images are on file (the images themselves: GET /api/company/seals/{kind}). */
  seals: Record<SealKind, SealView | null>;
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

/** What the rendering pipeline needs to put the seller on a document: the profile and the seal images. */
export interface CompanyProfileWithSeals {
  profile: CompanyProfileView;
  seals: Record<SealKind, (SealView & { bytes: Buffer; contentType: 'image/png' }) | null>;
}

const PROFILE_FIELDS = [
  'legalNameZh',
  'legalNameEn',
  'creditCode',
  'addressZh',
  'addressEn',
  'postalCode',
  'phone',
  'fax',
  'email',
  'website',
  'legalRepresentative',
  'bankAccounts',
  'documentLocale',
] as const;
type ProfileFields = Pick<CompanyProfile, (typeof PROFILE_FIELDS)[number]>;

const sealView = (s: CompanySeal): SealView => ({
  kind: s.kind,
  sha256: s.sha256,
  size: s.size,
  width: s.width,
  height: s.height,
  uploadedAt: s.uploadedAt,
});

function fields(p: ProfileFields): ProfileFields {
  return Object.fromEntries(PROFILE_FIELDS.map((f) => [f, p[f]])) as unknown as ProfileFields;
}

function profileView(p: CompanyProfile, seals: CompanySeal[]): CompanyProfileView {
  const byKind = Object.fromEntries(SEAL_KINDS.map((k) => [k, null])) as Record<SealKind, SealView | null>;
  for (const s of seals) byKind[s.kind] = sealView(s);
  return { id: p.id, ...fields(p), seals: byKind, createdAt: p.createdAt, updatedAt: p.updatedAt, version: p.version };
}

/** Every optional field the DTO left out becomes null (PUT replaces the whole profile). */
function fromDto(dto: CompanyProfileDto): ProfileFields {
  return {
    legalNameZh: dto.legalNameZh,
    legalNameEn: dto.legalNameEn ?? null,
    creditCode: dto.creditCode,
    addressZh: dto.addressZh ?? null,
    addressEn: dto.addressEn ?? null,
    postalCode: dto.postalCode ?? null,
    phone: dto.phone ?? null,
    fax: dto.fax ?? null,
    email: dto.email ?? null,
    website: dto.website ?? null,
    legalRepresentative: dto.legalRepresentative ?? null,
    bankAccounts: bankAccounts(dto.bankAccounts),
    documentLocale: dto.documentLocale ?? DEFAULT_LOCALE,
  };
}

function bankAccounts(list: CompanyProfileDto['bankAccounts'] | null): BankAccount[] {
  return (list ?? []).map((a) => ({
    bankName: a.bankName,
    branch: a.branch ?? null,
    accountName: a.accountName,
    accountNumber: a.accountNumber,
  }));
}

/** The company profile (one per installation) and its seal images. */
@Injectable()
export class CompanyService implements OnModuleInit {
  constructor(
    private readonly company: CompanyRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly storage: ObjectStorage,
    private readonly demo: DemoDataRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.demo.register({ name: 'company', order: 10, load: () => this.loadDemo() });
  }

  async get(): Promise<CompanyProfileView> {
    const profile = await this.findProfile();
    if (!profile) throw companyProfileNotSet();
    return profile;
  }

  /** The profile, or null before it is set up (documents that print without a letterhead then). */
  async findProfile(): Promise<CompanyProfileView | null> {
    const profile = await this.company.findProfile();
    return profile && profileView(profile, await this.company.findSeals());
  }

  /**
   * The language a document is issued in, by who reads it (document-locale.ts): every workflow asks here, so the
   * rule lives in one place.
   */
  async documentLocaleFor(reader: DocumentReader): Promise<Locale> {
    const profile = await this.company.findProfile();
    return documentLocale(reader, profile?.documentLocale);
  }

  /** Creates the profile, or replaces every field of the existing one. */
  async put(actor: Actor, dto: CompanyProfileDto, ifMatch?: ExpectedVersion): Promise<CompanyProfileView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.company.lockProfileVersion(), { type: 'company profile', id: 'company' });
      const existing = await this.company.findProfile();
      const next = fromDto(dto);
      let saved: CompanyProfile;
      if (existing) {
        const before = fields(existing);
        saved = await this.company.saveProfile(Object.assign(existing, next));
        await this.audit.record({
          actor,
          action: 'company.update',
          entityType: 'company',
          entityId: saved.id,
          details: { before, after: fields(saved) },
        });
      } else {
        saved = await this.company.createProfile(next);
        await this.audit.record({
          actor,
          action: 'company.create',
          entityType: 'company',
          entityId: saved.id,
          details: { after: fields(saved) },
        });
      }
      return profileView(saved, await this.company.findSeals());
    });
  }

  /** Changes the fields given; `bankAccounts`, when given, replaces the whole list. */
  async patch(actor: Actor, dto: UpdateCompanyProfileDto, ifMatch?: ExpectedVersion): Promise<CompanyProfileView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.company.lockProfileVersion(), { type: 'company profile', id: 'company' });
      const profile = await this.mustFindProfile();
      const before = fields(profile);
      for (const f of PROFILE_FIELDS) {
        if (dto[f] === undefined) continue;
        if (f === 'bankAccounts') profile.bankAccounts = bankAccounts(dto.bankAccounts);
        else Object.assign(profile, { [f]: dto[f] });
      }
      const saved = await this.company.saveProfile(profile);
      await this.audit.record({
        actor,
        action: 'company.update',
        entityType: 'company',
        entityId: saved.id,
        details: { before, after: fields(saved) },
      });
      return profileView(saved, await this.company.findSeals());
    });
  }

  /**
   * Stores a seal image: a well-formed PNG that can be transparent (checked on its bytes), at most 2 MB,
   * under a content-addressed key. The object is written first and removed again when the record cannot
   * be; the image it replaces is removed once the new one is recorded (seal images are a forgery risk, so
   * no stray copies are kept; the audit entry keeps both hashes).
   */
  async uploadSeal(actor: Actor, kind: SealKind, bytes: Buffer): Promise<SealView> {
    if (bytes.length > MAX_SEAL_BYTES) throw fileTooLarge(bytes.length);
    const png = inspectPng(bytes);
    if (!png.ok || !png.info.transparent) {
      const reason = png.ok
        ? `PNG colour type ${png.info.colorType} without a tRNS chunk: no transparency`
        : png.reason;
      throw AppException.unprocessable(
        CompanyError.SEAL_NOT_TRANSPARENT_PNG,
        `A seal must be a PNG with transparency (${reason})`,
        { reason },
      );
    }
    // Drawn on every signed document: a header claiming 100000 x 100000 pixels is refused before anything decodes it.
    checkImageDimensions(bytes, this.config.images);
    const sha256 = sha256Hex(bytes);
    const key = `company/seals/${kind}-${sha256}.png`;
    const previous = await this.company.findSeal(kind);
    const stored = await this.storage.put(key, bytes, { contentType: 'image/png' });
    try {
      const saved = await this.tx.run(async () => {
        const seal = await this.company.saveSeal({
          kind,
          storageKey: key,
          sha256: stored.sha256,
          size: stored.size,
          width: png.info.width,
          height: png.info.height,
          uploadedAt: new Date(),
          uploadedBy: actor.id,
        });
        await this.audit.record({
          actor,
          action: 'company.seal.upload',
          entityType: 'company-seal',
          entityId: kind,
          details: {
            kind,
            sha256: seal.sha256,
            size: seal.size,
            width: seal.width,
            height: seal.height,
            previousSha256: previous?.sha256 ?? null,
          },
        });
        return seal;
      });
      if (previous && previous.storageKey !== key) await this.storage.delete(previous.storageKey);
      return sealView(saved);
    } catch (err) {
      if (previous?.storageKey !== key) await this.storage.delete(key).catch(() => undefined);
      throw err;
    }
  }

  /** A seal's record and bytes; SEAL_NOT_FOUND when none was uploaded. */
  async seal(kind: SealKind): Promise<SealView & { bytes: Buffer }> {
    const seal = await this.company.findSeal(kind);
    if (!seal) throw AppException.notFound(CompanyError.SEAL_NOT_FOUND, `No ${kind} seal has been uploaded`, { kind });
    return { ...sealView(seal), bytes: await this.sealBytes(seal) };
  }

  /** For the rendering pipeline: the profile and the bytes of each seal on file (null when none). */
  async getProfileWithSeals(): Promise<CompanyProfileWithSeals> {
    const found = await this.findProfileWithSeals();
    if (!found) throw companyProfileNotSet();
    return found;
  }

  /** The same, or null before the profile is set up. */
  async findProfileWithSeals(): Promise<CompanyProfileWithSeals | null> {
    const profile = await this.company.findProfile();
    if (!profile) return null;
    const seals = await this.company.findSeals();
    const withBytes = Object.fromEntries(SEAL_KINDS.map((k) => [k, null])) as CompanyProfileWithSeals['seals'];
    for (const s of seals)
      withBytes[s.kind] = { ...sealView(s), bytes: await this.sealBytes(s), contentType: 'image/png' };
    return { profile: profileView(profile, seals), seals: withBytes };
  }

  /** The bytes, checked against the recorded hash: a seal must not be swapped behind the record's back. */
  private async sealBytes(seal: CompanySeal): Promise<Buffer> {
    const bytes = await this.storage.getBuffer(seal.storageKey);
    if (sha256Hex(bytes) !== seal.sha256)
      throw new Error(`The stored ${seal.kind} seal image does not match its recorded SHA-256 (${seal.storageKey})`);
    return bytes;
  }

  private async mustFindProfile(): Promise<CompanyProfile> {
    const profile = await this.company.findProfile();
    if (!profile) throw companyProfileNotSet();
    return profile;
  }

  private async loadDemo(): Promise<void> {
    await this.put(SYSTEM_ACTOR, DEMO_COMPANY);
    for (const kind of SEAL_KINDS) await this.uploadSeal(SYSTEM_ACTOR, kind, demoSealPng(kind));
  }
}
