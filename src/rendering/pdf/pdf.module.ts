import { Module } from '@nestjs/common';
import { BrowserPool } from './browser-pool.js';
import { PdfFonts } from './fonts.js';
import { PdfRenderer } from './pdf-renderer.js';

/** HTML -> PDF. BrowserPool is exported for /health (`ping()`, `stats()`). Needs the global AppConfig. */
@Module({ providers: [PdfFonts, BrowserPool, PdfRenderer], exports: [BrowserPool, PdfRenderer] })
export class PdfModule {}
