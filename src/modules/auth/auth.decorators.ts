import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from './roles.js';

export const ROLES_KEY = 'tenderdesk:roles';
export const PUBLIC_KEY = 'tenderdesk:public';
/** Any signed-in user, whatever the role. */
export const ANY_ROLE = '*';

/**
 * Who may call an endpoint. Every route declares either @Roles(...) or @Public(); the app refuses to start
 * when one declares neither (see RouteAccessCheck). `admin` passes every @Roles check.
 */
export const Roles = (...roles: (Role | typeof ANY_ROLE)[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: no or unknown bearer token' }),
    ApiForbiddenResponse({ description: `FORBIDDEN: needs one of ${roles.join(', ')}` }),
  );

/** Callable without a token (health, docs, links that carry their own signature). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
