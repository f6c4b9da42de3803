import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser } from '../auth/index.js';
import { SessionsService } from '../sessions/index.js';
import { SignInService } from './sign-in.service.js';
import { SessionViewDto } from './dto/sign-in-view.dto.js';

/** The caller's own browser sessions ("where am I signed in"): each can be ended from any other. */
@ApiTags('sign-in')
@Controller('api/me/sessions')
export class MySessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly signIn: SignInService,
  ) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'My live sessions, newest first; `current` marks the one asking' })
  @ApiOkResponse({ type: [SessionViewDto] })
  list(@CurrentUser() user: AuthUser) {
    return this.sessions.list(user.id, user.session?.id);
  }

  // The id is looked up among the caller's own sessions only: another user's session is "not found" (no owner rule).
  @Delete(':id')
  @Roles(ANY_ROLE)
  @HttpCode(204)
  @ApiOperation({ summary: 'End one of my sessions (404 SESSION_NOT_FOUND when it is not one of mine)' })
  @ApiNoContentResponse({ description: 'The session ended' })
  async revoke(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    await this.signIn.revokeSession(user, id);
  }
}
