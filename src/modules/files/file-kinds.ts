import { fileTypeFromBuffer } from 'file-type';

/** The kinds of file the service accepts as uploads: scans, proofs, seal images. */
export const FILE_KINDS = {
  pdf: { mime: 'application/pdf', ext: 'pdf' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
} as const;
export type FileKind = keyof typeof FILE_KINDS;

export type Detection =
  { ok: true; kind: FileKind; mime: string; ext: string } | { ok: false; detected: string | null; mime: string | null };

/**
 * What the bytes are, from their signature (magic numbers), whatever the file is called: a text file named
 * .pdf, an EXE or a ZIP renamed to .png are all refused.
 */
export async function detectKind(bytes: Buffer, allowed: readonly FileKind[]): Promise<Detection> {
  const found = await fileTypeFromBuffer(bytes);
  const kind = (Object.keys(FILE_KINDS) as FileKind[]).find((k) => FILE_KINDS[k].mime === found?.mime);
  if (!kind || !allowed.includes(kind)) return { ok: false, detected: found?.ext ?? null, mime: found?.mime ?? null };
  return { ok: true, kind, mime: FILE_KINDS[kind].mime, ext: FILE_KINDS[kind].ext };
}
