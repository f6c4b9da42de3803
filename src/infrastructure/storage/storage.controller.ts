import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { AppException } from '../../common/errors/app-exception.js';
import { StorageError } from './storage.errors.js';
import { Public } from '../../common/public.decorator.js';
import { FilesystemStorage } from './filesystem.driver.js';
import { ObjectStorage } from './object-storage.js';
import { validateStorageKey } from './storage-key.js';

/**
 * Serves the signed links the filesystem driver hands out (`presignedUrl`). The link itself is the
 * credential, hence @Public(). With the S3 driver links point at S3, so this route has nothing to serve.
 */
@ApiExcludeController()
@Controller('api')
export class StorageController {
  constructor(private readonly storage: ObjectStorage) {}

  @Public()
  @Get('storage/*key')
  async download(
    // path-to-regexp v8 hands a wildcard over as its decoded segments.
    @Param('key') segments: string[] | string,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<StreamableFile> {
    const key = Array.isArray(segments) ? segments.join('/') : segments;
    if (!(this.storage instanceof FilesystemStorage)) {
      throw AppException.notFound(StorageError.OBJECT_NOT_FOUND, `No object stored under ${key}`, { key });
    }
    validateStorageKey(key);
    // Signature before existence: an unsigned request learns nothing about which keys exist.
    await this.storage.verifyUrl(key, expires, signature);
    const info = await this.storage.stat(key);
    if (!info) throw AppException.notFound(StorageError.OBJECT_NOT_FOUND, `No object stored under ${key}`, { key });
    res.setHeader('ETag', `"${info.sha256}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(await this.storage.get(key), { type: info.contentType, length: info.size });
  }
}
