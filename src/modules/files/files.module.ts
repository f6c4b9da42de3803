import { Module } from '@nestjs/common';
import { ImportRunner } from '../../common/tabular/import-runner.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/**
 * Uploaded files for every record type. No controller of its own: who may download a file depends on the
 * record it belongs to, so each owning module serves its files' routes (see sendStoredFile). Sheets too:
 * ImportRunner is the one way records are imported.
 */
@Module({
  providers: [FilesRepository, FilesService, ImportRunner],
  exports: [FilesService, ImportRunner],
})
export class FilesModule {}
