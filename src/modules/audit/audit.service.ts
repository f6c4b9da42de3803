import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { AuditError } from './audit.errors.js';
import type { Page } from '../../common/pagination.js';
import type { AuthUser } from '../auth/index.js';
import { verifyChain, type ChainReport } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.entity.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';

/** The system itself (first start, demo data, scheduled runs) when no user acted. */
export const SYSTEM_ACTOR = { id: null, name: 'system' } as const;

export interface AuditEvent {
  /** A user, the system, or someone without an account (a customer answering through a link): id null. */
  actor: Pick<AuthUser, 'id' | 'name'> | { id: null; name: string };
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends to the audit log. Called inside the service's transaction (TransactionRunner), so the entry is
 * written if and only if the change is.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(event: AuditEvent): Promise<void> {
    await this.audit.append({
      actorId: event.actor.id,
      actorName: event.actor.name,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId ?? null,
      details: event.details ?? {},
    });
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<Page<AuditEntry>> {
    // An empty range is a mistake (dates swapped), not a question whose answer is "nothing".
    if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
      throw AppException.badRequest(
        AuditError.AUDIT_RANGE_INVALID,
        '`to` must be after `from` (`from` inclusive, `to` exclusive)',
        {
          from: filter.from.toISOString(),
          to: filter.to.toISOString(),
        },
      );
    }
    const [items, total] = await this.audit.list(filter, page, pageSize);
    return { items, total, page, pageSize };
  }

  /** Recomputes the hash chain and reports the first broken link (see audit-chain.ts). */
  async verifyChain(): Promise<ChainReport> {
    // The head first: entries appended while the walk runs lie beyond it and are not held against the chain.
    const head = await this.audit.chainHead();
    const limit = head ? BigInt(head.seq) : 0n;
    const audit = this.audit;
    async function* upToHead() {
      for await (const batch of audit.chainBatches()) {
        const within = batch.filter((r) => BigInt(r.chainSeq) <= limit);
        if (within.length) yield within;
        if (within.length < batch.length) return;
      }
    }
    return verifyChain(upToHead(), head);
  }
}
