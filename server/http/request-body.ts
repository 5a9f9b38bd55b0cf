/**
 * Request bodies that a handler refuses before reading them to the end (413 over the upload limit,
 * 401 before a body is parsed). Every client must still read that response, so:
 *
 * - body parsers read a view of the request, not the request itself: a parser that gives up on a
 *   body destroys the stream it reads (oRPC's body limit does), and destroying the request would
 *   destroy its socket before the response is written — the client would see a reset, no status;
 * - once the response starts, the rest of the body is read and discarded, up to a bound and a
 *   time limit, so a client still uploading is not reset mid-write and the connection stays usable.
 *   A body declared larger than the bound gets the response and then the connection is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { AppError } from '@/server/core/shared/errors';

export interface DrainLimits {
  /** The most bytes read and discarded after the response; beyond it the connection is closed. */
  maxBytes: number;
  /** How long a slow client may take to send the rest; then the connection is closed. */
  timeoutMs: number;
}

export const DEFAULT_DRAIN_LIMITS: DrainLimits = { maxBytes: 64 * 1024 * 1024, timeoutMs: 30_000 };

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The body reads from the request only once a parser asks for it, so a handler that turns the
 * request down without parsing it leaves the body untouched for the next one to try.
 */
class RequestBodyView extends Readable {
  private attached = false;

  constructor(private readonly req: IncomingMessage) {
    super();
  }

  private readonly onData = (chunk: Buffer) => {
    if (!this.push(chunk)) this.req.pause();
  };
  private readonly onEnd = () => this.push(null);
  private readonly onClose = () => {
    if (!this.req.complete) this.destroy(new Error('the client closed the connection before sending the whole body'));
  };

  override _read(): void {
    if (!this.attached) {
      this.attached = true;
      this.req.on('data', this.onData);
      this.req.once('end', this.onEnd);
      this.req.once('close', this.onClose);
    }
    this.req.resume();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
    this.req.off('close', this.onClose);
    this.req.pause();
    callback(err);
  }
}

function withRequestFields<T extends Readable>(stream: T, req: IncomingMessage): IncomingMessage {
  const { method, url, headers, rawHeaders, httpVersion, httpVersionMajor, httpVersionMinor, socket } = req;
  Object.assign(stream, { method, url, headers, rawHeaders, httpVersion, httpVersionMajor, httpVersionMinor, socket });
  return stream as unknown as IncomingMessage;
}

function viewOf(req: IncomingMessage): RequestBodyView {
  const view = new RequestBodyView(req);
  withRequestFields(view, req);
  return view;
}

/** Reads and discards what is left of the body, within the limits. */
function drain(req: IncomingMessage, limits: DrainLimits): void {
  let discarded = 0;
  const giveUp = () => req.socket?.destroy();
  const timer = setTimeout(giveUp, limits.timeoutMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) giveUp();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * Call once per request, before any handler. Returns the request as a body parser should see it
 * (same method, URL, headers and socket; its own body stream), and arranges for a response sent
 * before the body was read to reach the client intact.
 */
export function guardRequestBody(req: IncomingMessage, res: ServerResponse, limits: DrainLimits = DEFAULT_DRAIN_LIMITS): IncomingMessage {
  const view = hasBody(req) ? viewOf(req) : undefined;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete) {
      if (Number(req.headers['content-length'] ?? 0) > limits.maxBytes) {
        // Too much still to come to be worth reading: answer, then close.
        this.setHeader('connection', 'close');
      } else {
        // The answer is given, so whatever was reading the body is done with it.
        view?.destroy();
        drain(req, limits);
      }
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
  return (view ?? req) as IncomingMessage;
}

/**
 * Reads a small body whole (a sign-in form, read before the handler to know the account it names);
 * a body over `maxBytes` is a 413 and the rest is left to the response's drain.
 */
export async function readWholeBody(body: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `the request body is over ${maxBytes} bytes`, { code: 'PAYLOAD_TOO_LARGE' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request as a parser should see it once its body has been read: the same request, replaying that body. */
export function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from(body.length ? [body] : [], { objectMode: false });
  return withRequestFields(replay, req);
}
