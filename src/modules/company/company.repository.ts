import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { CompanyProfile } from './company-profile.entity.js';
import { CompanySeal, type SealKind } from './company-seal.entity.js';

@Injectable()
export class CompanyRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  findProfile(): Promise<CompanyProfile | null> {
    return this.repo(CompanyProfile).findOneBy({ singleton: true });
  }

  /** The profile's version, its row locked for the rest of the transaction (checkVersion); null: no profile yet. */
  async lockProfileVersion(): Promise<number | null> {
    const profile = await this.findProfile();
    return profile ? this.lockedVersion(CompanyProfile, profile.id) : null;
  }

  createProfile(
    data: Omit<CompanyProfile, 'id' | 'singleton' | 'createdAt' | 'updatedAt' | 'version'>,
  ): Promise<CompanyProfile> {
    return this.repo(CompanyProfile).save(this.repo(CompanyProfile).create({ ...data, singleton: true }));
  }

  saveProfile(profile: CompanyProfile): Promise<CompanyProfile> {
    return this.repo(CompanyProfile).save(profile);
  }

  findSeal(kind: SealKind): Promise<CompanySeal | null> {
    return this.repo(CompanySeal).findOneBy({ kind });
  }

  findSeals(): Promise<CompanySeal[]> {
    return this.repo(CompanySeal).find({ order: { kind: 'ASC' } });
  }

  saveSeal(seal: CompanySeal): Promise<CompanySeal> {
    return this.repo(CompanySeal).save(this.repo(CompanySeal).create(seal));
  }
}
