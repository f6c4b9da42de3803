import { Module } from '@nestjs/common';
import { SessionAuthenticator } from '../auth/index.js';
import { SessionEnder, UsersModule } from '../users/index.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [UsersModule],
  // SessionsService is the guard's SessionAuthenticator (auth/credential-ports.ts) and users' SessionEnder
  // (users/user-ports.ts).
  providers: [
    SessionsRepository,
    SessionsService,
    { provide: SessionAuthenticator, useExisting: SessionsService },
    { provide: SessionEnder, useExisting: SessionsService },
  ],
  exports: [SessionsService, SessionAuthenticator, SessionEnder],
})
export class SessionsModule {}
