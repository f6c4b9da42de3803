import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

/** Docker does not run on these machines; the compose file is at least validated by docker-compose itself. */
describe('docker-compose.yml', () => {
  it('is accepted by `docker-compose config` and wires the API, a scalable worker and their servers', () => {
    execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { stdio: 'pipe' });
    const services = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(services).toEqual(['api', 'mail', 'minio', 'postgres', 'worker']);
    const config = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { encoding: 'utf8' });
    expect(config).toMatch(/DATABASE_URL: postgres:\/\/tenderdesk:[^@]+@postgres:5432\/tenderdesk/);
    expect(config).toMatch(/S3_ENDPOINT: http:\/\/minio:9000/);
    expect(config).toMatch(/SMTP_URL: smtp:\/\/mail:1025/);
    expect(config).toMatch(/API_RUNS_JOBS: "false"/);
  });
});
