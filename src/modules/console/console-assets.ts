import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';

/** Where the console's files live: in the source tree, found from the project root (no copy into dist/). */
export function defaultConsoleRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('console root not found: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, 'src', 'modules', 'console', 'static');
}

export interface ConsoleAsset {
  bytes: Buffer;
  /** gzip of bytes, when that is smaller. */
  gzip: Buffer | null;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** Files the console serves; anything else in the folder (an editor's backup, a README) is not served. */
const SERVED = new Set(Object.keys(TYPES));

/**
 * The console's static files, read once at start-up and kept in memory (about 200 KB, and
 * about 2.5 MB of vendor/: the template editor's bundles, built by scripts/console-vendor.mjs): each with its ETag and a
 * gzip copy. `version` is a hash over all of them; the files are served under /app/v/<version>/ with a year's
 * cache, so a new release is a new URL and a browser never mixes old and new modules. index.html (the only file
 * whose URL never changes) names that path and is revalidated on every load.
 */
@Injectable()
export class ConsoleAssets {
  readonly version: string;
  readonly index: ConsoleAsset;
  private readonly files = new Map<string, ConsoleAsset>();

  /**
   * Throws when the folder or its index.html is missing. ConsoleModule catches that: the API (and the worker,
   * which loads the same modules) then starts without the console, which answers 503, instead of not starting.
   */
  constructor(root: string = defaultConsoleRoot()) {
    const all = new Hash();
    for (const path of listFiles(root)) {
      const bytes = readFileSync(join(root, path));
      all.add(path, bytes);
      this.files.set(path, asset(bytes, TYPES[extname(path)]!));
    }
    this.version = all.digest().slice(0, 16);
    const template = this.files.get('index.html');
    if (!template) throw new Error(`console: ${join(root, 'index.html')} is missing`);
    this.files.delete('index.html');
    const html = template.bytes.toString('utf8').replaceAll('{{base}}', `/app/v/${this.version}/`);
    this.index = asset(Buffer.from(html, 'utf8'), template.contentType);
  }

  /** A file by its path under the static folder ("pages/customers.js"), or undefined. */
  file(path: string): ConsoleAsset | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}

class Hash {
  private readonly h = createHash('sha256');
  add(path: string, bytes: Buffer): void {
    this.h.update(path).update('\0').update(bytes).update('\0');
  }
  digest(): string {
    return this.h.digest('hex');
  }
}

function asset(bytes: Buffer, contentType: string): ConsoleAsset {
  const zipped = gzipSync(bytes, { level: 9 });
  return {
    bytes,
    gzip: zipped.length < bytes.length ? zipped : null,
    contentType,
    etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`,
  };
}

function listFiles(root: string, dir = root): string[] {
  if (!existsSync(root)) throw new Error(`console: static folder ${root} is missing`);
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(root, full));
    else if (SERVED.has(extname(name))) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}
