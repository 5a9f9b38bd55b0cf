/**
 * JSON-RPC 2.0 over a child process's stdio, one JSON message per line, both directions: our
 * requests (with ids) and their responses, notifications either way, and requests the server sends
 * us that need an answer. Codex's app-server leaves out the `"jsonrpc": "2.0"` member on the wire,
 * so we do too, and accept messages with or without it.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isRecord } from '../shared/events';

export type JsonRpcId = number | string;

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export class RequestTimedOut extends Error {}

/** The connection ended (the process exited or was killed) before the answer came. */
export class ConnectionClosed extends Error {}

export interface ServerRequest {
  id: JsonRpcId;
  method: string;
  params: unknown;
}

export interface JsonRpcHandlers {
  notification(method: string, params: unknown): void;
  /** Answer it with `respond` or `respondError`; the server waits until then. */
  request(request: ServerRequest): void;
  /** A line that is not a JSON-RPC message (a banner, a log line on stdout). */
  noise?(line: string): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class JsonRpcConnection {
  private nextId = 0;
  private readonly pending = new Map<JsonRpcId, Pending>();
  private closedWith: Error | undefined;

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly handlers: JsonRpcHandlers,
  ) {
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (line) => this.receive(line));
    lines.on('close', () => this.close(new ConnectionClosed('the app-server closed its output')));
    output.on('error', (err) => this.close(new ConnectionClosed(`cannot write to the app-server: ${err.message}`)));
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Sends a request; without an answer within `timeoutMs` it fails with a RequestTimedOut. */
  request<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimedOut(`${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        clearTimeout(timer);
        fn(a);
      };
      this.pending.set(id, { resolve: settle(resolve as (r: unknown) => void), reject: settle(reject) });
      this.send({ id, method, ...(params === undefined ? {} : { params }) });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send({ method, ...(params === undefined ? {} : { params }) });
  }

  respond(id: JsonRpcId, result: unknown): void {
    this.send({ id, result });
  }

  respondError(id: JsonRpcId, error: JsonRpcErrorObject): void {
    this.send({ id, error });
  }

  /** Fails every request still waiting; later calls fail at once. */
  close(reason: Error): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }

  private send(message: object): void {
    if (this.closedWith) return;
    this.output.write(`${JSON.stringify(message)}\n`);
  }

  private receive(line: string): void {
    const trimmed = line.trim();
    if (!trimmed) return;
    let message: unknown;
    try {
      message = JSON.parse(trimmed);
    } catch {
      this.handlers.noise?.(trimmed);
      return;
    }
    if (!isRecord(message)) return this.handlers.noise?.(trimmed);
    const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : undefined;
    if (typeof message.method === 'string') {
      if (id === undefined) this.handlers.notification(message.method, message.params);
      else this.handlers.request({ id, method: message.method, params: message.params });
      return;
    }
    if (id === undefined) return this.handlers.noise?.(trimmed);
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (isRecord(message.error)) {
      const { code, message: text, data } = message.error;
      waiting.reject(new JsonRpcError(typeof code === 'number' ? code : -32603, typeof text === 'string' ? text : 'error', data));
    } else waiting.resolve(message.result);
  }
}
