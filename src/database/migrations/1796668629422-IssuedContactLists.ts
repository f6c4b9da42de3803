import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IssuedContactLists1796668629422 implements MigrationInterface {
  name = 'IssuedContactLists1796668629422';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "issued_contact_lists" ("id" uuid NOT NULL, "number" character varying(40) NOT NULL, "audience" character varying(16) NOT NULL, "period_from" date, "period_to" date, "statuses" jsonb NOT NULL DEFAULT '[]', "contract_count" integer NOT NULL, "document_id" uuid NOT NULL, "mail_to" jsonb NOT NULL DEFAULT '[]', "issued_by" uuid, "issued_by_name" character varying(100) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fb3069d6c9523f95d7e511c2475" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_125c5e212908ac9014e857974e" ON "issued_contact_lists"  ("number") `);
    await q.query(`CREATE INDEX "IDX_22b73d84f4a2ea01f6f508b913" ON "issued_contact_lists"  ("issued_at") `);
    await q.query(
      `CREATE TABLE "contact_list_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_08abade27e203fc8c7d7e4e704b" PRIMARY KEY ("year"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "contact_list_counters"`);
    await q.query(`DROP INDEX "public"."IDX_22b73d84f4a2ea01f6f508b913"`);
    await q.query(`DROP INDEX "public"."IDX_125c5e212908ac9014e857974e"`);
    await q.query(`DROP TABLE "issued_contact_lists"`);
  }
}
