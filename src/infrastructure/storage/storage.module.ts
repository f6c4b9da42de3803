import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { FilesystemStorage } from './filesystem.driver.js';
import { ObjectStorage } from './object-storage.js';
import { S3Storage } from './s3.driver.js';
import { StorageController } from './storage.controller.js';

/** The one place the storage backend is chosen, from the validated configuration. */
export function createObjectStorage(config: AppConfig): ObjectStorage {
  switch (config.storage.kind) {
    case 's3':
      return new S3Storage(config.storage.s3);
    case 'filesystem':
      return new FilesystemStorage({
        root: config.storage.root,
        secretFile: join(config.storageDir, '.storage-url-secret'),
        publicUrl: config.publicUrl,
      });
  }
}

/** Global: an infrastructure port (documents, files, company seals, health) that no module should have to import. */
@Global()
@Module({
  controllers: [StorageController],
  providers: [{ provide: ObjectStorage, useFactory: createObjectStorage, inject: [AppConfig] }],
  exports: [ObjectStorage],
})
export class StorageModule {}
