/**
 * File names as users give them ("营业执照 副本(2024).pdf") are kept for display and downloads, but never
 * used as storage keys or trusted: they lose any path, control and reserved characters here.
 */
const MAX_NAME_LENGTH = 200;

export function sanitizeFileName(name: string, fallbackExt: string): string {
  const base = name.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    // control characters, and the characters Windows refuses in names
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!cleaned) return `file.${fallbackExt}`;
  if (cleaned.length <= MAX_NAME_LENGTH) return cleaned;
  // Shorten the stem, keep the extension.
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return [...cleaned.slice(0, cleaned.length - ext.length)].slice(0, MAX_NAME_LENGTH - ext.length).join('') + ext;
}

/**
 * `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 5987): browsers
 * use filename* and show the Chinese name; old clients get the fallback with non-ASCII replaced by `_`.
 */
export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
