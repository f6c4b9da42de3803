import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from './user.entity.js';

/** A bearer token. Only its SHA-256 is kept: a leaked table does not leak working tokens. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, (u) => u.tokens, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>; // Relation<>: no decorator metadata naming User, whichever file loads first

  @Column({ type: 'char', length: 64, unique: true })
  tokenHash!: string;

  /** The first characters, to tell tokens apart in lists without revealing them. */
  @Column({ type: 'varchar', length: 12 })
  prefix!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  label!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** After this the token no longer authenticates; null: never expires (only admins may choose that). */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** A read-only token may call only GET/HEAD routes: writes get 403 TOKEN_READ_ONLY. */
  @Column({ type: 'boolean', default: false })
  readOnly!: boolean;
}
