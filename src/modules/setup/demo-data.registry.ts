import { Injectable, Logger } from '@nestjs/common';

export interface DemoDataSet {
  /** e.g. 'customers' */
  name: string;
  /** Lower loads first (company before customers before quotations). */
  order: number;
  load(): Promise<void>;
}

/**
 * The demo data (a fictional company) that feature modules provide for the embedded default's first start.
 * Each feature module registers its set in onModuleInit; SetupService loads them once, on an empty database.
 */
@Injectable()
export class DemoDataRegistry {
  private readonly logger = new Logger('DemoData');
  private readonly sets: DemoDataSet[] = [];

  register(set: DemoDataSet): void {
    this.sets.push(set);
  }

  names(): string[] {
    return [...this.sets].sort((a, b) => a.order - b.order).map((s) => s.name);
  }

  async loadAll(): Promise<string[]> {
    const loaded: string[] = [];
    for (const set of [...this.sets].sort((a, b) => a.order - b.order)) {
      await set.load();
      loaded.push(set.name);
    }
    this.logger.log(loaded.length ? `loaded demo data: ${loaded.join(', ')}` : 'no demo data sets registered');
    return loaded;
  }
}
