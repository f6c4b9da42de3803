import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, SharedRecords } from '../auth/index.js';
import { CreateTokenDto } from './dto/create-token.dto.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UsersService } from './users.service.js';
import {
  CreatedTokenDto,
  CreatedUserDto,
  PasswordResetDto,
  TokenViewDto,
  UserDirectoryEntryDto,
  UserViewDto,
} from './dto/user-view.dto.js';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary:
      'Create a user; the answer carries a one-time link to choose their password (and an API token, shown ' +
      'this once, when apiToken is true)',
  })
  @ApiCreatedResponse({ type: CreatedUserDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'All users' })
  @ApiOkResponse({ type: [UserViewDto] })
  list() {
    return this.users.list();
  }

  @Get('directory')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Active users by name with their roles (no e-mail): for choosing a sales owner' })
  @ApiOkResponse({ type: [UserDirectoryEntryDto] })
  directory() {
    return this.users.directory();
  }

  @Get('me')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Who the caller is' })
  @ApiOkResponse({ type: UserViewDto })
  me(@CurrentUser() user: AuthUser) {
    return this.users.get(user.id);
  }

  @Get(':id')
  @SharedRecords()
  @Roles('admin')
  @ApiOkResponse({ type: UserViewDto })
  get(@IdParam() id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @SharedRecords()
  @Roles('admin')
  @ApiOperation({ summary: 'Change roles, email, or disable a user (which ends their sessions)' })
  @ApiOkResponse({ type: UserViewDto })
  update(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }

  @Post(':id/password-reset')
  @SharedRecords()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reset a user's password: clears it, ends their sessions, returns a one-time link to choose another",
  })
  @ApiOkResponse({ type: PasswordResetDto })
  resetPassword(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.users.resetPassword(actor, id);
  }

  @Get(':id/tokens')
  @SharedRecords()
  @Roles('admin')
  @ApiOperation({ summary: "A user's tokens (prefixes only)" })
  @ApiOkResponse({ type: [TokenViewDto] })
  tokens(@IdParam() id: string) {
    return this.users.tokens(id);
  }

  @Post(':id/tokens')
  @SharedRecords()
  @Roles('admin')
  @ApiOperation({ summary: 'Issue another token for a user (lifetime, read-only); shown this once' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  createToken(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: CreateTokenDto) {
    return this.users.createToken(actor, id, {
      label: dto.label ?? '',
      expiresInDays: dto.expiresInDays,
      readOnly: dto.readOnly,
    });
  }

  @Delete(':id/tokens/:tokenId')
  @SharedRecords()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiOkResponse({ type: TokenViewDto, description: 'The revoked token' })
  revokeToken(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IdParam('tokenId') tokenId: string) {
    return this.users.revokeToken(actor, id, tokenId);
  }
}
