// The public surface of the outbox module: what other modules may import from it. They import outbox only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { AttachmentSource } from './attachment-source.js';
export { OutboxMessageViewDto } from './dto/outbox-view.dto.js';
export { OUTBOX_STATUSES } from './outbox-message.types.js';
export type { OutboxAttachment, OutboxStatus } from './outbox-message.types.js';
export { OutboxService } from './outbox.service.js';
export type { OutboxMessageView } from './outbox.service.js';
