import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobsService, type JobView } from '../../src/modules/jobs/jobs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** A job that fails until its third attempt and reports progress: what a render or a mail run does. */
@Injectable()
class FlakyJob implements OnModuleInit {
  constructor(private readonly jobs: JobsService) {}
  onModuleInit(): void {
    this.jobs.register<{ failTimes: number; value: string }>(
      'test.flaky',
      async (payload, ctx) => {
        await ctx.progress(50);
        if (ctx.attempt <= payload.failTimes) throw new Error(`attempt ${ctx.attempt} failed on purpose`);
        return { echoed: payload.value, attempt: ctx.attempt };
      },
      { retryLimit: 2, retryDelaySeconds: 1 },
    );
  }
}
@Module({ providers: [FlakyJob] })
class FlakyJobModule {}

for (const driver of ['pgboss', 'inline'] as const) {
  describe(`jobs on the ${driver} queue`, () => {
    let t: TestApp;
    let adminId: string;
    beforeAll(async () => {
      t = await startTestApp(`jobs_${driver}`, { QUEUE_DRIVER: driver }, [FlakyJobModule]);
      adminId = (await t.http().get('/api/users/me').auth(t.adminToken, { type: 'bearer' })).body.id;
    });
    afterAll(async () => {
      await t?.close();
    });

    async function waitFinished(id: string): Promise<JobView> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await t.http().get(`/api/jobs/${id}`).auth(t.adminToken, { type: 'bearer' });
        expect(res.status).toBe(200);
        if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body as JobView;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    it('retries a failing job and reports status, progress, attempts and result', async () => {
      const job = await t.app.get(JobsService).enqueue('test.flaky', { failTimes: 2, value: '对账单' }, { id: adminId });
      expect(job.status).toBe('queued');
      const done = await waitFinished(job.id);
      expect(done).toMatchObject({ status: 'succeeded', progress: 100, attempts: 3, maxAttempts: 3, result: { echoed: '对账单', attempt: 3 }, error: null });
    });

    it('marks a job failed with its last error once its attempts are used up', async () => {
      const job = await t.app.get(JobsService).enqueue('test.flaky', { failTimes: 9, value: 'x' }, { id: adminId });
      const done = await waitFinished(job.id);
      expect(done).toMatchObject({ status: 'failed', attempts: 3, error: 'attempt 3 failed on purpose' });
    });

    it("hides another user's job", async () => {
      const job = await t.app.get(JobsService).enqueue('test.flaky', { failTimes: 0, value: 'x' }, { id: adminId });
      const sales = await t.userWith(['sales']);
      const res = await t.http().get(`/api/jobs/${job.id}`).auth(sales.token, { type: 'bearer' });
      // A sales user reaches only their own records (auth/ownership.ts): a job is its creator's.
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NOT_YOUR_RECORD');
      // Anyone else who is not a manager does not see it at all.
      const backoffice = await t.userWith(['backoffice']);
      const hidden = await t.http().get(`/api/jobs/${job.id}`).auth(backoffice.token, { type: 'bearer' });
      expect([hidden.status, hidden.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
    });
  });
}
