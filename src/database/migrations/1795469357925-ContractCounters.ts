import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContractCounters1795469357925 implements MigrationInterface {
  name = 'ContractCounters1795469357925';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "contract_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_9da131820409d5bb51fdfd23d4e" PRIMARY KEY ("year"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "contract_counters"`);
  }
}
