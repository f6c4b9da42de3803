import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Receivables1795480130870 implements MigrationInterface {
  name = 'Receivables1795480130870';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(300) NOT NULL, "subject_type" character varying(40) NOT NULL, "subject_id" uuid NOT NULL, "audience" character varying(40) NOT NULL, "to" jsonb NOT NULL, "cc" jsonb NOT NULL DEFAULT '[]', "subject" character varying(300) NOT NULL, "text" text NOT NULL, "html" text, "attachments" jsonb NOT NULL DEFAULT '[]', "message_id" character varying(300) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "claimed_until" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "job_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_5b9a1cd389e14ba71d63eec9cb" ON "outbox_messages"  ("key") `);
    await q.query(`CREATE INDEX "IDX_2e83ff2d110fc358f3283151ac" ON "outbox_messages"  ("status") `);
    await q.query(
      `CREATE INDEX "IDX_20f914490681a6a770cf1c9472" ON "outbox_messages"  ("subject_type", "subject_id") `,
    );
    await q.query(
      `CREATE TABLE "invoices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "kind" character varying(16) NOT NULL DEFAULT 'special', "customer_id" uuid NOT NULL, "contract_id" uuid, "date" date NOT NULL, "amount" numeric(18,2) NOT NULL, "tax" numeric(18,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "reverses" uuid, "note" text, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_668cef7c22a427fd822cc1be3ce" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_6b20aa66f2a835a4f2fbde4872" ON "invoices"  ("number") `);
    await q.query(`CREATE INDEX "IDX_65e3145f317bd655481d3f96c7" ON "invoices"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_2a1393659dc4aa043ed203c888" ON "invoices"  ("contract_id") `);
    await q.query(`CREATE INDEX "IDX_df62845187eb4c31c0dcda454e" ON "invoices"  ("date") `);
    await q.query(
      `CREATE TABLE "contract_milestones" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "event" character varying(24) NOT NULL, "date" date NOT NULL, "source" character varying(16) NOT NULL, "delivery_id" uuid, "recorded_by" uuid, "recorded_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f8175a553e239108a3866fc71ab" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_8c6e513f825ac89dcffe338574" ON "contract_milestones"  ("contract_id", "event") `,
    );
    await q.query(
      `CREATE TABLE "deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "contract_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "items" jsonb NOT NULL, "ship_date" date NOT NULL, "estimated_arrival" date, "consignee" character varying(100) NOT NULL, "address" character varying(300) NOT NULL, "contact_phone" character varying(50) NOT NULL, "customer_email" character varying(254), "carrier" character varying(100), "driver_name" character varying(50), "driver_phone" character varying(50), "licence_plate" character varying(20), "remarks" text, "status" character varying(16) NOT NULL, "gate" jsonb NOT NULL, "shipped_at" TIMESTAMP WITH TIME ZONE, "arrived_on" date, "arrival_note" character varying(200), "document_id" uuid, "render_job_id" uuid, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a6ef225c5c5f0974e503bfb731f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_7855af007c80384963bd72dacf" ON "deliveries"  ("number") `);
    await q.query(`CREATE INDEX "IDX_1d1ab698a42e5146b807f3b783" ON "deliveries"  ("contract_id") `);
    await q.query(`CREATE INDEX "IDX_89c5783be020ff65d2d8dd0da8" ON "deliveries"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_3235c9c06d9d3028a11ec8081d" ON "deliveries"  ("status") `);
    await q.query(
      `CREATE TABLE "delivery_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_d39712ebd153a8463253d509316" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TABLE "statements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "customer_id" uuid NOT NULL, "period_from" date, "period_to" date NOT NULL, "issued_on" date NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "locale" character varying(8) NOT NULL, "figures" jsonb NOT NULL, "closing_balance" numeric(18,2) NOT NULL, "document_id" uuid, "run_id" uuid, "token_hash" character(64) NOT NULL, "token_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reply_by" date NOT NULL, "response_status" character varying(16) NOT NULL DEFAULT 'pending', "response" jsonb, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7f53bcddeb706df7ea7eec10b8d" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_b678e356c3817d5ce665552bca" ON "statements"  ("number") `);
    await q.query(`CREATE INDEX "IDX_a8e07da2d3cccbe46502255d82" ON "statements"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_85bc9bc7587e43d54a46bb4294" ON "statements"  ("run_id") `);
    await q.query(`CREATE UNIQUE INDEX "IDX_39d539e540d76f91d0dac16608" ON "statements"  ("token_hash") `);
    await q.query(
      `CREATE TABLE "statement_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_e01934cfbcd24921beb4d4a364d" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TABLE "statement_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "period_from" date, "period_to" date NOT NULL, "trigger" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "total" integer NOT NULL DEFAULT '0', "job_id" uuid, "error" text, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_42e0220836b124e62ef465a30bc" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_5580460afc6f4656ce354caac7" ON "statement_runs"  ("period_to") WHERE "trigger" = 'monthly'`,
    );
    await q.query(
      `CREATE TABLE "statement_run_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "customer_name" character varying(200) NOT NULL, "status" character varying(16) NOT NULL, "reason" text, "email" character varying(254), "statement_id" uuid, "outbox_message_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d6f9a7bd20b59387e69ca24f64c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_7d91225122be55b911e8f08134" ON "statement_run_items"  ("run_id") `);
    await q.query(`CREATE INDEX "IDX_55e0d9bef4a19eb4f627d36401" ON "statement_run_items"  ("status") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_144a42087a823b93483e319c03" ON "statement_run_items"  ("run_id", "customer_id") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_144a42087a823b93483e319c03"`);
    await q.query(`DROP INDEX "public"."IDX_55e0d9bef4a19eb4f627d36401"`);
    await q.query(`DROP INDEX "public"."IDX_7d91225122be55b911e8f08134"`);
    await q.query(`DROP TABLE "statement_run_items"`);
    await q.query(`DROP INDEX "public"."IDX_5580460afc6f4656ce354caac7"`);
    await q.query(`DROP TABLE "statement_runs"`);
    await q.query(`DROP TABLE "statement_counters"`);
    await q.query(`DROP INDEX "public"."IDX_39d539e540d76f91d0dac16608"`);
    await q.query(`DROP INDEX "public"."IDX_85bc9bc7587e43d54a46bb4294"`);
    await q.query(`DROP INDEX "public"."IDX_a8e07da2d3cccbe46502255d82"`);
    await q.query(`DROP INDEX "public"."IDX_b678e356c3817d5ce665552bca"`);
    await q.query(`DROP TABLE "statements"`);
    await q.query(`DROP TABLE "delivery_counters"`);
    await q.query(`DROP INDEX "public"."IDX_3235c9c06d9d3028a11ec8081d"`);
    await q.query(`DROP INDEX "public"."IDX_89c5783be020ff65d2d8dd0da8"`);
    await q.query(`DROP INDEX "public"."IDX_1d1ab698a42e5146b807f3b783"`);
    await q.query(`DROP INDEX "public"."IDX_7855af007c80384963bd72dacf"`);
    await q.query(`DROP TABLE "deliveries"`);
    await q.query(`DROP INDEX "public"."IDX_8c6e513f825ac89dcffe338574"`);
    await q.query(`DROP TABLE "contract_milestones"`);
    await q.query(`DROP INDEX "public"."IDX_df62845187eb4c31c0dcda454e"`);
    await q.query(`DROP INDEX "public"."IDX_2a1393659dc4aa043ed203c888"`);
    await q.query(`DROP INDEX "public"."IDX_65e3145f317bd655481d3f96c7"`);
    await q.query(`DROP INDEX "public"."IDX_6b20aa66f2a835a4f2fbde4872"`);
    await q.query(`DROP TABLE "invoices"`);
    await q.query(`DROP INDEX "public"."IDX_20f914490681a6a770cf1c9472"`);
    await q.query(`DROP INDEX "public"."IDX_2e83ff2d110fc358f3283151ac"`);
    await q.query(`DROP INDEX "public"."IDX_5b9a1cd389e14ba71d63eec9cb"`);
    await q.query(`DROP TABLE "outbox_messages"`);
  }
}
