// The public surface of the deliveries module: what other modules may import from it. They import deliveries only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { SHIPPABLE } from './deliveries.service.js';
export { DELIVERY_STATUSES } from './delivery.types.js';
export { LinkedFileViewDto } from './dto/delivery-view.dto.js';
