import { HttpStatus } from '@nestjs/common';
import { imageSize } from 'image-size';
import { AppException } from '../../common/errors/app-exception.js';
import { FileError } from './files.errors.js';

export interface ImageLimits {
  /** Pixels on either side. */
  maxSide: number;
  /** Width x height. */
  maxPixels: number;
}

/**
 * Refuses a PNG or JPEG whose header claims dimensions above the limits, reading only the header (image-size
 * decodes no pixels): a 100 kB PNG can claim 100000 x 100000 pixels, 40 GB once Chromium or pdf-lib decode it
 * into a seal, a scan or a tender package. Returns the dimensions.
 */
export function checkImageDimensions(bytes: Buffer, limits: ImageLimits): { width: number; height: number } {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = imageSize(bytes));
  } catch (err) {
    throw AppException.unprocessable(FileError.IMAGE_UNREADABLE, 'The image header cannot be read', {
      reason: (err as Error).message,
    });
  }
  if (!width || !height) {
    throw AppException.unprocessable(FileError.IMAGE_UNREADABLE, 'The image header gives no width and height');
  }
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new AppException(
      HttpStatus.UNPROCESSABLE_ENTITY,
      FileError.IMAGE_TOO_LARGE,
      `The image is ${width} x ${height} pixels; at most ${limits.maxSide} pixels a side and ${limits.maxPixels / 1e6} megapixels are accepted (scan at 300 dpi or less)`,
      { width, height, maxSide: limits.maxSide, maxPixels: limits.maxPixels },
    );
  }
  return { width, height };
}
