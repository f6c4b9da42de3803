import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/index.js';

export interface ContractRevised {
  contractId: string;
  /** The new current revision. */
  revision: number;
  actor: Pick<AuthUser, 'id' | 'name'>;
}

type Listener<E> = (event: E) => Promise<void>;

/**
 * What happens to a contract that other modules act on, without the contracts module knowing them (the contact
 * sheets re-issue on a new revision). Listeners run inside the transaction that made the change, in order: a
 * listener's error rolls the change back.
 */
@Injectable()
export class ContractEvents {
  private readonly revised: Listener<ContractRevised>[] = [];

  onRevised(listener: Listener<ContractRevised>): void {
    this.revised.push(listener);
  }

  async emitRevised(event: ContractRevised): Promise<void> {
    for (const listener of this.revised) await listener(event);
  }
}
