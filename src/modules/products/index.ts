// The public surface of the products module: what other modules may import from it. They import products only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { ProductQuery } from './dto/product-query.dto.js';
export { IsPercent } from './dto/product.dto.js';
export { ProductError } from './products.errors.js';
export { ProductsModule } from './products.module.js';
export { canSeeFloorPrice, ProductsService } from './products.service.js';
export type { ProductView } from './products.service.js';
