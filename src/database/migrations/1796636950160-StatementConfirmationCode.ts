import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StatementConfirmationCode1796636950160 implements MigrationInterface {
  name = 'StatementConfirmationCode1796636950160';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "statements" ADD "code_hash" character(64)`);
    await q.query(`ALTER TABLE "statements" ADD "code_attempts" integer NOT NULL DEFAULT '0'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "statements" DROP COLUMN "code_attempts"`);
    await q.query(`ALTER TABLE "statements" DROP COLUMN "code_hash"`);
  }
}
