import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counts of rate-limiter-flexible's RateLimiterPostgres (src/common/rate-limit), shared by every API process on
 * this database. Its own layout (key, points, expire in ms since the epoch); no entity maps it.
 */
export class RateLimits1795500000000 implements MigrationInterface {
  name = 'RateLimits1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rate_limits" ("key" character varying(255) NOT NULL, "points" integer NOT NULL DEFAULT 0, "expire" bigint, CONSTRAINT "PK_rate_limits" PRIMARY KEY ("key"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limits"`);
  }
}
