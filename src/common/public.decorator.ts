import { SetMetadata } from '@nestjs/common';

/**
 * The metadata of @Public(). Here rather than in modules/auth (which reads it in its guards and re-exports both) so
 * that src/infrastructure's routes (the storage driver's signed links) can declare themselves public without
 * importing a feature module: infrastructure knows no module (docs/architecture.md, "Rules the checker enforces").
 */
export const PUBLIC_KEY = 'tenderdesk:public';

/** Callable without a token (health, docs, links that carry their own signature). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
