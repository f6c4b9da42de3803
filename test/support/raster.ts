import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tool, withFiles } from './tools.js';

// Raster checks: did the Chinese glyphs draw (not only extract)? Pages rendered with poppler's pdftoppm.

export interface Gray {
  width: number;
  height: number;
  px: Uint8Array;
}

/** A page at `dpi` (50 by default) in 8-bit gray (pdftoppm -gray writes a PGM: no PNG decoder needed). */
export async function rasterize(pdf: Buffer, page = 1, dpi = 50): Promise<Gray> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const p = String(page);
    const { code, out } = await tool(
      'pdftoppm',
      ['-r', String(dpi), '-gray', '-f', p, '-l', p, '-singlefile', 'a.pdf', 'page'],
      dir,
    );
    if (code !== 0) throw new Error(`pdftoppm failed: ${out}`);
    const data = await readFile(join(dir, 'page.pgm'));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 40).toString('latin1'))!;
    return { width: Number(header[1]), height: Number(header[2]), px: data.subarray(header[0].length) };
  });
}

/** Bounding box of the ink (pixels darker than mid-gray) between rows y0 and y1. */
export function inkBox(
  img: Gray,
  y0: number,
  y1: number,
): { x0: number; x1: number; y0: number; y1: number; ink: number } | undefined {
  let box: { x0: number; x1: number; y0: number; y1: number; ink: number } | undefined;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.px[y * img.width + x] >= 128) continue;
      box ??= { x0: x, x1: x, y0: y, y1: y, ink: 0 };
      box.x0 = Math.min(box.x0, x);
      box.x1 = Math.max(box.x1, x);
      box.y1 = y;
      box.ink++;
    }
  }
  return box;
}

/**
 * How different the n glyphs of one line look from each other: for each pair of character cells, the share of
 * pixels that differ at the best alignment (a few pixels either way). Tofu (the same box for every character)
 * and blank text score ~0; different glyphs score high.
 */
export function glyphVariety(img: Gray, box: { x0: number; x1: number; y0: number; y1: number }, n: number): number {
  const dark = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < img.width && y < img.height && img.px[y * img.width + x] < 128;
  const cellW = (box.x1 - box.x0 + 1) / n;
  const cells = Array.from({ length: n }, (_, i) => {
    const x0 = Math.round(box.x0 + i * cellW);
    return { x0, w: Math.round(box.x0 + (i + 1) * cellW) - x0 };
  });
  const ink = cells.map((c) => {
    let count = 0;
    for (let y = box.y0; y <= box.y1; y++) for (let x = c.x0; x < c.x0 + c.w; x++) if (dark(x, y)) count++;
    return count;
  });
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let best = Infinity;
      for (let dx = -3; dx <= 3; dx++) {
        for (let dy = -2; dy <= 2; dy++) {
          let diff = 0;
          for (let y = box.y0; y <= box.y1; y++) {
            for (let x = 0; x < cells[a].w; x++)
              if (dark(cells[a].x0 + x, y) !== dark(cells[b].x0 + x + dx, y + dy)) diff++;
          }
          best = Math.min(best, diff);
        }
      }
      sum += best / Math.max(1, ink[a] + ink[b]);
      pairs++;
    }
  }
  return sum / pairs;
}

/** glyphVariety: measured real glyphs ~0.5 (body and header); identical boxes and DejaVu's tofu ~0.01. */
export const VARIETY_MIN = 0.2;
