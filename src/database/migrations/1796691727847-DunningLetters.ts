import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DunningLetters1796691727847 implements MigrationInterface {
  name = 'DunningLetters1796691727847';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "dunning_letters" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "customer_id" uuid NOT NULL, "level" character varying(16) NOT NULL, "issued_on" date NOT NULL, "items" jsonb NOT NULL, "total" numeric(18,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "locale" character varying(8) NOT NULL, "max_days_overdue" integer NOT NULL, "document_id" uuid NOT NULL, "document_version" integer NOT NULL, "statement_id" uuid, "outbox_message_id" uuid, "mail_skip_reason" character varying(40), "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_425614226477c2772de83f7b648" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_ad40d857f6a78376869eaffff1" ON "dunning_letters"  ("number") `);
    await q.query(`CREATE INDEX "IDX_bc52431f1b1476927485f50871" ON "dunning_letters"  ("customer_id") `);
    await q.query(`CREATE UNIQUE INDEX "IDX_8297a35fe5ae06c54ff5d3a880" ON "dunning_letters"  ("customer_id", "level", "issued_on") `);
    await q.query(`CREATE TABLE "dunning_letter_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_b38f79c8ace7827dd78731f73b9" PRIMARY KEY ("year"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dunning_letter_counters"`);
    await q.query(`DROP INDEX "public"."IDX_8297a35fe5ae06c54ff5d3a880"`);
    await q.query(`DROP INDEX "public"."IDX_bc52431f1b1476927485f50871"`);
    await q.query(`DROP INDEX "public"."IDX_ad40d857f6a78376869eaffff1"`);
    await q.query(`DROP TABLE "dunning_letters"`);
  }
}
