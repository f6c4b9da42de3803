// What other modules may use of statements' types without importing its entity (docs/architecture.md).
export type { StatementResponseStatus } from './statement.entity.js';
