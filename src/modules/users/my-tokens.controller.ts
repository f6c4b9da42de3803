import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, SharedRecords } from '../auth/index.js';
import { CreateTokenDto } from './dto/create-token.dto.js';
import { UsersService } from './users.service.js';
import { CreatedTokenDto, TokenViewDto } from './dto/user-view.dto.js';

/** Anyone's own API tokens, for their integrations (#15). */
@ApiTags('users')
@Controller('api/me/tokens')
export class MyTokensController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'My API tokens (prefixes only), with expiry, scope and last use' })
  @ApiOkResponse({ type: [TokenViewDto] })
  list(@CurrentUser() user: AuthUser) {
    return this.users.tokens(user.id);
  }

  @Post()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      'A new API token of mine, shown this once: expiresInDays (default API_TOKEN_DAYS; null = never, admins only), readOnly',
  })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTokenDto) {
    return this.users.createToken(user, user.id, {
      label: dto.label ?? '',
      expiresInDays: dto.expiresInDays,
      readOnly: dto.readOnly,
    });
  }

  // The token is looked up among the caller's own: another user's token id is 404 TOKEN_NOT_FOUND.
  @Delete(':tokenId')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke one of my tokens' })
  @ApiOkResponse({ type: TokenViewDto, description: 'The revoked token' })
  revoke(@CurrentUser() user: AuthUser, @IdParam('tokenId') tokenId: string) {
    return this.users.revokeToken(user, user.id, tokenId);
  }
}
