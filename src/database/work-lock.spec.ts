import { describe, expect, it } from '@jest/globals';
import type { Database } from './database.js';
import { WorkLock } from './work-lock.js';

const embedded = new WorkLock({ kind: 'embedded' } as Database);
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('WorkLock on the embedded database (in this process)', () => {
  it('runs holders of one key one after the other, in the order they came', async () => {
    const events: string[] = [];
    const holder = (name: string) =>
      embedded.run('item:1', async () => {
        events.push(`${name} in`);
        await tick();
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([holder('a'), holder('b'), holder('c')])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('lets different keys run at once', async () => {
    const events: string[] = [];
    const holder = (key: string) =>
      embedded.run(key, async () => {
        events.push(`${key} in`);
        await tick();
        events.push(`${key} out`);
      });
    await Promise.all([holder('x'), holder('y')]);
    expect(events.slice(0, 2)).toEqual(['x in', 'y in']);
  });

  it('passes a failure to its holder and gives the key to the next one', async () => {
    const failing = embedded.run('item:2', () => Promise.reject(new Error('render failed')));
    const next = embedded.run('item:2', () => Promise.resolve('next ran'));
    await expect(failing).rejects.toThrow('render failed');
    expect(await next).toBe('next ran');
  });
});
