import { Global, Module } from '@nestjs/common';
import { OwnershipService } from './ownership.service.js';

/** The ownership policy's registry, for every module to register its records' owners and check its body references. */
@Global()
@Module({ providers: [OwnershipService], exports: [OwnershipService] })
export class OwnershipModule {}
