import { Module } from '@nestjs/common';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/**
 * Uploaded files for every record type. No controller of its own: who may download a file depends on the
 * record it belongs to, so each owning module serves its files' routes (see sendStoredFile).
 */
@Module({
  providers: [FilesRepository, FilesService],
  exports: [FilesService],
})
export class FilesModule {}
