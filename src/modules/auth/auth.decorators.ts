import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { SessionStage } from './session-stage.js';
import type { Role } from './roles.js';

export const ROLES_KEY = 'tenderdesk:roles';
export { PUBLIC_KEY, Public } from '../../common/public.decorator.js';
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

export const SIGN_IN_STEP_KEY = 'tenderdesk:sign-in-step';

/**
 * A route that a browser session may call before it has finished signing in, in these stages (e.g. the second-factor
 * step in `second_factor`). Such a session can call nothing else (401 SIGN_IN_INCOMPLETE); list 'active' too when a
 * fully signed-in session may also call it. API tokens are always fully signed in.
 */
export const SignInStep = (...stages: SessionStage[]) => SetMetadata(SIGN_IN_STEP_KEY, stages);
