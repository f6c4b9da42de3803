import { Module } from '@nestjs/common';
import { SignInModule } from '../sign-in/index.js';
import { UsersModule } from '../users/index.js';
import { OidcClient } from './oidc-client.js';
import { SsoController } from './sso.controller.js';
import { SsoRepository } from './sso.repository.js';
import { SsoService } from './sso.service.js';

/** Single sign-on with OpenID Connect (#15): on when OIDC_ISSUER is set, else its routes answer 404 SSO_DISABLED. */
@Module({
  imports: [UsersModule, SignInModule],
  controllers: [SsoController],
  providers: [OidcClient, SsoRepository, SsoService],
})
export class SsoModule {}
