import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { developmentSecretsKey, SecretBox } from './sealing.js';

describe('SecretBox', () => {
  const key = Buffer.alloc(32, 1);

  it('opens what it sealed, for the same context; each seal differs (random IV)', () => {
    const box = new SecretBox(key, 'test');
    const a = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP', 'user-1')).not.toBe(a);
    expect(box.open(a, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another context, another key, another purpose and an altered value', () => {
    const box = new SecretBox(key, 'test');
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 2), 'test').open(sealed, 'user-1')).toThrow();
    expect(() => new SecretBox(key, 'other').open(sealed, 'user-1')).toThrow();
    const parts = sealed.split('.');
    const data = Buffer.from(parts[2]!, 'base64url');
    data[0] = data[0]! ^ 1;
    expect(() => box.open([parts[0], parts[1], data.toString('base64url'), parts[3]].join('.'), 'user-1')).toThrow();
    expect(() => box.open('plain', 'user-1')).toThrow();
  });

  it('makes the development key once (0600) and reads the same one back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'td-sealing-'));
    try {
      const file = join(dir, 'secrets', 'development.key');
      const [a, b] = await Promise.all([developmentSecretsKey(file), developmentSecretsKey(file)]);
      expect(a).toHaveLength(32);
      expect(b).toEqual(a);
      expect(await developmentSecretsKey(file)).toEqual(a);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(a);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
