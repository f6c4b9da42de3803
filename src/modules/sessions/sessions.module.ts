import { Module } from '@nestjs/common';
import { SessionAuthenticator } from '../auth/credential-ports.js';
import { SessionEnder } from '../users/user-ports.js';
import { UsersModule } from '../users/users.module.js';
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
