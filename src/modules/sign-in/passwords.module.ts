import { Module } from '@nestjs/common';
import { CredentialsRepository } from './credentials.repository.js';
import { InvitationsService } from './invitations.service.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';

/**
 * Invitations and the sign-in throttle, apart from SignInModule so that the users module (which creates users with
 * an invitation and resets passwords) can use them without importing the sign-in routes.
 */
@Module({
  providers: [CredentialsRepository, InvitationsService, SignInThrottleService],
  exports: [CredentialsRepository, InvitationsService, SignInThrottleService],
})
export class PasswordsModule {}
