/**
 * Vendors and feeds that attack the proxy (issue 13), on loopback:
 *
 * - startHostileSnappyStub(): a Snappy v3 endpoint whose answer depends on the product id:
 *   a gzip bomb, a 400 MB body, a body that trickles forever, or the documented answer to its query.
 *   The 400 MB bodies are generated as they are sent, never held in memory, and
 *   generation stops when the proxy hangs up (`generated` says how far it got).
 * - startSilentServer(): accepts connections and never answers a byte (a hung catalog feed).
 */
import { createServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { relatedProductsAnswer } from './snappy.js';

export const BOMB_PRODUCT = 'gzipbomb0001';
export const HUGE_PRODUCT = 'hugebody0001';
export const DECLARED_HUGE_PRODUCT = 'declared0001';
export const TRICKLE_PRODUCT = 'trickle00001';

const MiB = 1024 * 1024;
/** What the bomb inflates to: 1 GiB of JSON (a valid Snappy answer, were it read to the end). */
export const BOMB_INFLATED_BYTES = 1024 * MiB;
export const HUGE_BYTES = 400 * MiB;

const OPEN = Buffer.from('{"data":[');
const CLOSE = Buffer.from(']}');
/** JSON whitespace: the body stays valid JSON, so only a size cap can stop it. */
const SPACES = Buffer.alloc(MiB, 0x20);

/** `{"data":[` + `bytes` of spaces + `]}`, one shared 1 MiB buffer at a time; `onChunk` counts what is generated. */
function* json(bytes: number, onChunk: (length: number) => void = () => undefined): Generator<Buffer> {
  yield OPEN;
  for (let left = bytes; left > 0; left -= MiB) {
    const chunk = left >= MiB ? SPACES : SPACES.subarray(0, left);
    onChunk(chunk.length);
    yield chunk;
  }
  yield CLOSE;
}

/**
 * The bomb as an attacker would hold it: 1 GiB of JSON streamed through createGzip once,
 * keeping only the compressed output (about 1 MB; the inflated body is never in memory).
 * Compressing once, rather than per answer, keeps the stub's own CPU (about a second per
 * GiB, in libuv's thread pool, which the proxy's gunzip also uses) out of the measurement.
 * Z_RLE: the best ratio for a run of one byte, at a third of the default strategy's CPU.
 */
async function compressBomb(): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(json(BOMB_INFLATED_BYTES)).pipe(createGzip({ level: 9, strategy: constants.Z_RLE }))) chunks.push(chunk as Buffer);
  return chunks;
}

export interface HostileStub {
  url: string;
  /** Bytes of the 400 MB bodies generated so far, across all answers. */
  readonly generated: number;
  /** Answers whose connection closed before the whole body was sent. */
  readonly cutShort: number;
  close(): Promise<void>;
}

export async function startHostileSnappyStub(): Promise<HostileStub> {
  let generated = 0;
  let cutShort = 0;
  const bomb = await compressBomb();
  const count = (length: number) => (generated += length);
  /** Streams `body` with backpressure; a hang-up destroys it, so generation stops. */
  const send = (response: ServerResponse, body: Readable) =>
    pipeline(body, response, (error) => {
      if (error) cutShort += 1;
    });

  const server = createServer((request, response) => {
    request.resume();
    const product = /^\/v3\/products\/([^/?]+)\/recommendations/.exec(request.url ?? '')?.[1];
    response.on('error', () => undefined);
    switch (product) {
      case BOMB_PRODUCT:
        // About 1 MB on the wire; 1 GiB once inflated. Chunked, no length to refuse early.
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return send(response, Readable.from(bomb));
      case HUGE_PRODUCT:
        response.writeHead(200, { 'content-type': 'application/json' });
        return send(response, Readable.from(json(HUGE_BYTES, count)));
      case DECLARED_HUGE_PRODUCT:
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(OPEN.length + HUGE_BYTES + CLOSE.length) });
        return send(response, Readable.from(json(HUGE_BYTES, count)));
      case TRICKLE_PRODUCT: {
        // One space every 50 ms, for ever: far below any size cap, only a deadline ends it.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(OPEN);
        const timer = setInterval(() => response.write(' '), 50);
        response.once('close', () => {
          clearInterval(timer);
          cutShort += 1;
        });
        return;
      }
      default:
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(relatedProductsAnswer(new URL(request.url ?? '/', 'http://stub').searchParams)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get generated() {
      return generated;
    },
    get cutShort() {
      return cutShort;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface SilentServer {
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** A server that accepts every connection and never sends a byte: a feed URL that never answers. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
