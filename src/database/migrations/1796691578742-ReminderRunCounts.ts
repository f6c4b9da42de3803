import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReminderRunCounts1796691578742 implements MigrationInterface {
  name = 'ReminderRunCounts1796691578742';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "reminder_runs" ADD "sent" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "reminder_runs" ADD "skipped" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "reminder_runs" ADD "last_run_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "reminder_runs" DROP COLUMN "last_run_at"`);
    await q.query(`ALTER TABLE "reminder_runs" DROP COLUMN "skipped"`);
    await q.query(`ALTER TABLE "reminder_runs" DROP COLUMN "sent"`);
  }
}
