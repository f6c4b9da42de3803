// `make audit-verify`: recomputes the audit log's hash chain and prints OK with the head, or the first broken link
// (exit 1). Same configuration as the API (DATABASE_URL, or the embedded database under STORAGE_DIR, which only
// one process can open: stop the service first). Reads only; applies no migration.
import 'reflect-metadata';
import { startupConfig } from '../../config/startup.js';
import { Database } from '../../database/database.js';
import { describeReport } from './audit-chain.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

const config = startupConfig();
const db = await Database.open(config, { migrate: false });
try {
  const report = await new AuditService(new AuditRepository(db.dataSource)).verifyChain();
  console.log(describeReport(report));
  if (!report.ok) process.exitCode = 1;
} catch (err) {
  console.error(`audit-verify: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await db.close();
}
