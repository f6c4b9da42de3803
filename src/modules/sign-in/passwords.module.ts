import { Module } from '@nestjs/common';
import { FailedSignIns, PasswordLinkIssuer, UsersModule } from '../users/index.js';
import { CredentialsRepository } from './credentials.repository.js';
import { InvitationsService } from './invitations.service.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';

/**
 * Invitations and the sign-in throttle, apart from SignInModule's routes. They are also the users module's
 * PasswordLinkIssuer and FailedSignIns (users/user-ports.ts): it creates users with an invitation and resets
 * passwords without importing sign-in.
 */
@Module({
  imports: [UsersModule],
  providers: [
    CredentialsRepository,
    InvitationsService,
    SignInThrottleService,
    { provide: PasswordLinkIssuer, useExisting: InvitationsService },
    { provide: FailedSignIns, useExisting: SignInThrottleService },
  ],
  exports: [InvitationsService, SignInThrottleService, PasswordLinkIssuer, FailedSignIns],
})
export class PasswordsModule {}
