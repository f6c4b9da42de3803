import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, RouteAccessCatalog, type RouteAccess } from '../auth/index.js';
import { MetaDto } from './dto/meta.dto.js';
import { metaFor, type Meta } from './meta.js';

@ApiTags('meta')
@Controller('api/meta')
export class MetaController {
  private catalog: RouteAccess[] | null = null;

  constructor(private readonly routes: RouteAccessCatalog) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      "What a client needs to follow the server's rules: its enumerations, the status machines' edges, and what " +
      "the caller's roles let them see and call (the API enforces each again)",
  })
  @ApiOkResponse({ type: MetaDto })
  get(@CurrentUser() user: AuthUser): Meta {
    // The routes are fixed once the app is up: read the controllers' metadata once.
    this.catalog ??= this.routes.routes();
    return metaFor(user, this.catalog);
  }
}
