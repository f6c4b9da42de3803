import { parentPort } from 'node:worker_threads';
import { htmlToDocx, type DocxInput } from './html-to-docx.js';

/** The thread of DocxThread: one DOCX at a time, answered by request id. */
parentPort?.on('message', (request: { id: number; input: DocxInput }) => {
  htmlToDocx(request.input).then(
    (bytes) => {
      // A copy of its own (Packer's buffer may share a larger one), handed over without another copy.
      const out = new Uint8Array(bytes);
      parentPort!.postMessage({ id: request.id, bytes: out }, [out.buffer]);
    },
    (err: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
