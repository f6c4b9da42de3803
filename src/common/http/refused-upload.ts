import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a refused upload's remaining body is read and dropped after the answer before the connection closes. */
export const REFUSED_UPLOAD_LINGER_MS = 10_000;

/**
 * For an upload refused before its body was read whole (413 on the declared size or at the limit, 429 while
 * busy): the answer goes out at once, and node's HTTP server then reads and drops what the client still sends
 * (it dumps an unread request body), so a client still sending reads the answer. Closing at once instead
 * ('Connection: close') reset the connection with the client's bytes unread, and a client still writing (node's
 * http, a browser mid-upload) lost the answer to `write EPIPE` or ECONNRESET. Nothing is kept: the dropped bytes
 * go nowhere. The wait is bounded: a body still arriving `lingerMs` after the answer has its connection closed,
 * like a web server's lingering close.
 */
export function dropRestOfRefusedUpload(
  req: IncomingMessage,
  res: ServerResponse,
  lingerMs = REFUSED_UPLOAD_LINGER_MS,
): void {
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), lingerMs).unref();
    const stop = () => clearTimeout(timer);
    req.once('end', stop);
    socket.once('close', stop);
  });
}
