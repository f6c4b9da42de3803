import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1796684306663 implements MigrationInterface {
  name = 'Reminders1796684306663';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "reminders_sent" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(200) NOT NULL, "reason" character varying(40) NOT NULL, "subject_type" character varying(40) NOT NULL, "subject_id" uuid NOT NULL, "customer_id" uuid, "label" character varying(300) NOT NULL, "status" character varying(16) NOT NULL, "skip_reason" character varying(40), "to" jsonb NOT NULL DEFAULT '[]', "outbox_message_id" uuid, "day" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e23c9391bfce15362ed605813c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_aec1feef6db7eb31ccd94b7cfd" ON "reminders_sent"  ("key") `);
    await q.query(`CREATE INDEX "IDX_34b1aa581a5bd33a973ed5594b" ON "reminders_sent"  ("customer_id") `);
    await q.query(
      `CREATE TABLE "reminder_opt_outs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "subject_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e37c912e94ee37bbe24189b3a44" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_8a4e21588b6abb6319b0370860" ON "reminder_opt_outs"  ("kind", "subject_id") `,
    );
    await q.query(
      `CREATE TABLE "reminder_runs" ("day" date NOT NULL, "job_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7467a153693cc8ef923070b8e01" PRIMARY KEY ("day"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "reminder_runs"`);
    await q.query(`DROP INDEX "public"."IDX_8a4e21588b6abb6319b0370860"`);
    await q.query(`DROP TABLE "reminder_opt_outs"`);
    await q.query(`DROP INDEX "public"."IDX_34b1aa581a5bd33a973ed5594b"`);
    await q.query(`DROP INDEX "public"."IDX_aec1feef6db7eb31ccd94b7cfd"`);
    await q.query(`DROP TABLE "reminders_sent"`);
  }
}
