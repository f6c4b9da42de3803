import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { htmlToDocx, type DocxInput } from './html-to-docx.js';

/**
 * htmlToDocx on a worker thread of its own, so that the DOCX (the largest share of node's CPU per statement: its XML
 * and DEFLATE, ~25 ms of a 1-page statement) runs on the second core while the main thread prints, signs and stores
 * the next documents. One thread, started on first use, unref'd (it never keeps the process alive); a thread that
 * dies fails the DOCX it held and is replaced at the next call.
 *
 * Where the compiled worker is missing (the sources run by ts-jest, which has no `.js` beside the `.ts`), the DOCX
 * is made on the calling thread, as before: the same function, the same bytes.
 */
export class DocxThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private readonly script = fileURLToPath(new URL('./docx-worker.js', import.meta.url));
  /** False where the compiled worker is missing (see above). */
  readonly available = import.meta.url.endsWith('.js') && existsSync(this.script);

  render(input: DocxInput): Promise<Buffer> {
    if (!this.available) return htmlToDocx(input);
    const worker = this.thread();
    const id = ++this.nextId;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref(); // kept alive while it owes an answer
      worker.postMessage({ id, input });
    });
  }

  /** Ends the thread (tests, shutdown); a later render starts another. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { name: 'docx' }); // its CPU shows under this name in /proc (the bench reads it)
    worker.unref();
    worker.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const call = this.pending.get(m.id);
      if (!call) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.bytes) call.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      else call.reject(new Error(`DOCX failed: ${m.error ?? 'no reason given'}`));
    });
    const fail = (reason: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const call of this.pending.values()) call.reject(reason);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`the DOCX thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
