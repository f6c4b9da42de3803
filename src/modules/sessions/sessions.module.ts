import { Module } from '@nestjs/common';
import { SessionAuthenticator } from '../auth/credential-ports.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  // SessionsService is the guard's SessionAuthenticator (auth/credential-ports.ts).
  providers: [SessionsRepository, SessionsService, { provide: SessionAuthenticator, useExisting: SessionsService }],
  exports: [SessionsService, SessionAuthenticator],
})
export class SessionsModule {}
