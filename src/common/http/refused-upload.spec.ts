import { connect, type Socket } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropRestOfRefusedUpload } from './refused-upload.js';

/**
 * A real HTTP server on loopback that refuses every POST at once, as the upload intakes do, with a 300 ms linger.
 * The client is a raw socket, so the test sees exactly when the server closes the connection.
 */
describe('dropRestOfRefusedUpload', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      dropRestOfRefusedUpload(req, res, 300);
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":{"code":"FILE_TOO_LARGE"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        let text = '';
        const start = Date.now();
        socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
        socket.on('error', () => undefined);
        const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - start)));
        resolve({ socket, received: () => text, closed });
      });
    });
  }

  const head = (length: number) =>
    `POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${length}\r\nContent-Type: application/pdf\r\n\r\n`;

  it('answers while the client still sends, reads on, and closes a body still arriving after the linger', async () => {
    const { socket, received, closed } = await open();
    socket.write(head(100 * 1024 * 1024));
    // Keep sending 64 KB every 20 ms, well past the linger: writes never fail before the server closes.
    let writeErrors = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(Buffer.alloc(64 * 1024), (err) => (err ? writeErrors++ : undefined));
    }, 20);
    const ms = await closed;
    clearInterval(timer);
    expect(received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(received()).toContain('FILE_TOO_LARGE');
    expect(received()).not.toMatch(/connection: close/i);
    // Closed by the linger (300 ms after the answer), not at once and not never.
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
    expect(writeErrors).toBeLessThanOrEqual(1);
  });

  it('keeps the connection for the next request when the rest of the body arrives within the linger', async () => {
    const { socket, received, closed } = await open();
    socket.write(head(4096));
    await new Promise((r) => setTimeout(r, 50));
    socket.write(Buffer.alloc(4096));
    await new Promise((r) => setTimeout(r, 500));
    // Past the linger, still open: a second request on the same connection is answered.
    expect(socket.destroyed).toBe(false);
    socket.write(head(0));
    for (let i = 0; i < 100 && (received().match(/HTTP\/1\.1 413/g) ?? []).length < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((received().match(/HTTP\/1\.1 413/g) ?? []).length).toBe(2);
    socket.end();
    await closed;
  });
});
