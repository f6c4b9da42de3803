import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import { YearCounter } from '../../../database/year-counter.js';
import type { ContractStatus } from '../../contracts/index.js';
import type { ListAudience } from './issued-contact-list.types.js';
export * from './issued-contact-list.types.js';

/**
 * A contract contact list (合同联系清单) issued as an official document to finance or production: the period and
 * filter it was drawn with, who issued it, and the stored, signed document that holds exactly what was sent.
 * The on-demand export (GET /api/contracts/contact-list) stores nothing.
 */
@Entity('issued_contact_lists')
export class IssuedContactList {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** CL{YYYY}-{SEQ:4}, per year. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Column({ type: 'varchar', length: 16 })
  audience!: ListAudience;

  /** Signing dates from..to (inclusive); null: open. */
  @Column({ type: 'date', nullable: true })
  periodFrom!: DateOnly | null;

  @Column({ type: 'date', nullable: true })
  periodTo!: DateOnly | null;

  /** The contract statuses the list was filtered by; empty: every status. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  statuses!: ContractStatus[];

  @Column({ type: 'integer' })
  contractCount!: number;

  @Column({ type: 'uuid' })
  documentId!: string;

  /** Where it was mailed (one outbox message to all of them); empty: not mailed. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  mailTo!: string[];

  @Column({ type: 'uuid', nullable: true })
  issuedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  issuedByName!: string;

  @Index()
  @CreateDateColumn({ type: 'timestamptz' })
  issuedAt!: Date;
}

@Entity('contact_list_counters')
export class ContactListCounter extends YearCounter {}

export const CONTACT_LIST_ENTITIES = [IssuedContactList, ContactListCounter];
