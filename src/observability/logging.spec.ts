import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/app-config.js';
import { withLogFields } from './log-context.js';
import { createRootLogger, nestLogger, pinoLevel, secretScrubber } from './logging.js';

const ADMIN = 'a-fixed-admin-token-for-this-test-0123456789';
const METRICS = 'the-metrics-scrape-token-0123456789';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ ADMIN_TOKEN: ADMIN, METRICS_TOKEN: METRICS, LOG_LEVEL: 'debug' });
  return { lines, logger: createRootLogger(config, { role: 'test', destination }) };
}

describe('secretScrubber', () => {
  const scrub = secretScrubber({ adminToken: ADMIN, observability: { metricsToken: METRICS, workerHttpPort: 0 } });

  it('removes API tokens, bearer credentials, link tokens, signatures and URL passwords', () => {
    const token = 'td_ZLoRKeEtnm-lVwvpibFbhMdd9d0FKArcuffgVOZLwf0';
    expect(scrub(`token ${token} printed`)).toBe('token td_[redacted] printed');
    expect(scrub('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(scrub('GET /statements/confirm/Qm9vbGVhbi1saW5rLXRva2Vu/pdf 404')).toBe(
      'GET /statements/confirm/[redacted]/pdf 404',
    );
    expect(scrub('POST /quotations/accept/Qm9vbGVhbi1saW5rLXRva2Vu 200')).toBe(
      'POST /quotations/accept/[redacted] 200',
    );
    expect(scrub('/api/storage/a/b.pdf?expires=1&signature=deadbeef')).toBe(
      '/api/storage/a/b.pdf?expires=1&signature=[redacted]',
    );
    expect(scrub('connect postgres://td:s3cret@db:5432/x failed')).toBe(
      'connect postgres://td:[redacted]@db:5432/x failed',
    );
    expect(scrub(`ADMIN_TOKEN=${ADMIN} METRICS_TOKEN=${METRICS}`)).toBe(
      'ADMIN_TOKEN=[redacted] METRICS_TOKEN=[redacted]',
    );
  });

  it('leaves route templates and ordinary text alone', () => {
    expect(scrub('/statements/confirm/:token')).toBe('/statements/confirm/:token');
    expect(scrub('/quotations/accept/:token')).toBe('/quotations/accept/:token');
    expect(scrub('job document.render 42 attempt 1/3 started')).toBe('job document.render 42 attempt 1/3 started');
  });
});

describe('createRootLogger', () => {
  it('writes JSON lines with level names, the context fields and no secret in messages, fields or errors', () => {
    const { lines, logger } = capture();
    withLogFields({ jobId: 'j-1', jobType: 'document.render' }, () => {
      logger.info({ req: { url: '/statements/confirm/secretlinktoken123' } }, `sent with Bearer ${ADMIN}`);
      logger.error({ err: new Error(`refused td_${'x'.repeat(43)}`) }, 'failed');
    });
    logger.debug({ password: 'hunter2', token: 'tok' }, 'outside');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 'info',
      role: 'test',
      jobId: 'j-1',
      jobType: 'document.render',
      msg: 'sent with Bearer [redacted]',
    });
    expect(lines[0].req).toEqual({ url: '/statements/confirm/[redacted]' });
    expect(lines[1]).toMatchObject({ level: 'error', jobId: 'j-1', err: { message: 'refused td_[redacted]' } });
    expect(lines[2]).toMatchObject({ level: 'debug', password: '[redacted]', token: '[redacted]' });
    expect(lines[2].jobId).toBeUndefined();
    const all = JSON.stringify(lines);
    for (const secret of [ADMIN, 'secretlinktoken123', 'hunter2', 'x'.repeat(43)]) expect(all).not.toContain(secret);
  });

  it('maps LOG_LEVEL to pino levels', () => {
    expect(['error', 'warn', 'log', 'debug', 'verbose'].map((l) => pinoLevel(l as 'log'))).toEqual([
      'error',
      'warn',
      'info',
      'debug',
      'trace',
    ]);
  });

  it("gives each application's Nest logger its own root (two applications in one process do not share one)", () => {
    const first = capture();
    const second = capture();
    nestLogger(first.logger).log('to the first', 'One');
    nestLogger(second.logger).warn('to the second', 'Two');
    expect(first.lines).toEqual([expect.objectContaining({ level: 'info', context: 'One', msg: 'to the first' })]);
    expect(second.lines).toEqual([expect.objectContaining({ level: 'warn', context: 'Two', msg: 'to the second' })]);
  });
});
