import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The last TOTP time step accepted per user, so that a code is accepted once (second factor, #15). */
export class TotpLastStep1796645886309 implements MigrationInterface {
  name = 'TotpLastStep1796645886309';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "totp_last_step" integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "totp_last_step"`);
  }
}
