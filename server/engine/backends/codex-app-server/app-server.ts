/**
 * One `codex app-server` process, driven over its JSON-RPC protocol (v2):
 *
 *   → initialize {clientInfo}            ← {userAgent, …}      → initialized (notification)
 *   → thread/start {cwd, model?, approvalPolicy, sandbox}  or  thread/resume {threadId, …}
 *                                        ← {thread: {id, …}}
 *   → turn/start {threadId, input: [{type: "text", text}]}  ← {turn: {id, status: "inProgress"}}
 *   ← turn/started, item/started, item/agentMessage/delta {threadId, turnId, itemId, delta},
 *     item/completed, thread/tokenUsage/updated {threadId, turnId, tokenUsage: {total, last}}, …
 *   ← item/commandExecution/requestApproval, item/fileChange/requestApproval (server → client
 *     requests, answered with {decision: accept | acceptForSession | decline | cancel}), …
 *   ← turn/completed {threadId, turn: {id, status: completed | interrupted | failed, error?}}
 *   → turn/interrupt {threadId, turnId}  ← {} (the turn then completes as `interrupted`)
 *
 * It runs in the sandbox like every CLI agent (cli/process.ts): its own process group, a clean
 * environment with only what Codex authenticates with, killed as a group. Unlike `codex exec`, it
 * lives across turns: the pool (pool.ts) keeps one per session.
 */
import type { ChildProcess } from 'node:child_process';
import { isRecord, num, str } from '../shared/events';
import type { Sandbox, SandboxMode } from '../../sandbox/bubblewrap';
import type { BackendEvent, ToolCall } from '../types';
import { childEnv, homePaths, TextJoiner, type CliConfig } from '../cli/common';
import { spawnSandboxed } from '../cli/process';
import { JsonRpcConnection, RequestTimedOut, type JsonRpcErrorObject, type ServerRequest } from './json-rpc';
import { asyncQueue } from '../shared/async-queue';

const LABEL = 'codex app-server';
/** Variables of the server's environment Codex authenticates with, as for `codex exec`. */
export const CODEX_PASS_ENV = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'];
export const CODEX_STATE_IN_HOME = ['.codex'];
const STDERR_TAIL = 8 * 1024;
/** How long Codex gets to answer a request of ours (it answers at once; the work streams after). */
const REQUEST_TIMEOUT_MS = 60_000;
/** How long an interrupted turn gets to report `turn/completed` before the process is killed. */
const INTERRUPT_GRACE_MS = 5_000;

/** Codex's approval policy values (v2 `AskForApproval`, kebab-case on the wire). */
export const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export interface AppServerConfig extends Pick<CliConfig, 'serverEnv' | 'env' | 'killGraceMs'> {
  /** Absolute path of `codex` (or of a stand-in speaking the protocol). */
  bin: string;
  sandbox: Sandbox;
}

/** A backend whose session turns run on a long-lived app-server (Codex). */
export interface WithAppServer {
  appServer: AppServerConfig;
}

export function appServerOf(backend: object): AppServerConfig | undefined {
  return 'appServer' in backend ? (backend as WithAppServer).appServer : undefined;
}

export interface ThreadOptions {
  /** Resume this thread; a new one is started when absent (or when resuming fails). */
  threadId?: string;
  cwd: string;
  model?: string;
  approvalPolicy: ApprovalPolicy;
  sandbox: SandboxMode;
}

export type TurnInput = Array<{ type: 'text'; text: string } | { type: 'localImage'; path: string }>;

/** What a turn reports besides backend events: every notification, as Codex sent it. */
export type TurnEvent = BackendEvent | { type: 'notification'; method: string; params: unknown } | { type: 'turn_started'; turnId: string };

export type ServerRequestAnswer = { result: unknown } | { error: JsonRpcErrorObject };

export interface TurnOptions {
  input: TurnInput;
  /** Aborting interrupts the turn (`turn/interrupt`); the process is killed if it does not stop. */
  signal: AbortSignal;
  /** Called for each request Codex sends during the turn; its answer goes back as the response. */
  onServerRequest(request: ServerRequest & { turnId: string | undefined }, signal: AbortSignal): Promise<ServerRequestAnswer>;
}

type Item = { kind: 'notification'; method: string; params: unknown } | { kind: 'gone' };

export class AppServerProcess {
  private readonly child: ChildProcess;
  private readonly rpc: JsonRpcConnection;
  private readonly signalGroup: (sig: NodeJS.Signals) => void;
  private stderr = '';
  private listener: ((item: Item) => void) | undefined;
  private requestHandler: ((request: ServerRequest) => void) | undefined;
  private readonly exited: Promise<void>;
  private exitedFlag = false;
  /** The thread this process has open (started or resumed). */
  threadId: string | undefined;
  /** Codex's id of the turn running now, for `turn/steer`. */
  private activeTurnId: string | undefined;
  /** Set while a turn runs, so a second turn waits for the first to wind down. */
  private busy: Promise<void> = Promise.resolve();
  readonly pid: number | undefined;

  private constructor(
    private readonly config: AppServerConfig,
    cwd: string,
    sandboxMode: SandboxMode,
  ) {
    const spawned = spawnSandboxed({
      bin: config.bin,
      args: ['app-server'],
      cwd,
      env: childEnv(config, CODEX_PASS_ENV),
      sandbox: config.sandbox,
      sandboxMode,
      writablePaths: homePaths(config.serverEnv, CODEX_STATE_IN_HOME),
      stdin: 'pipe',
    });
    this.child = spawned.child;
    this.pid = spawned.pid;
    this.signalGroup = spawned.signalGroup;
    // A spawn that fails (ENOENT) reports 'error' and never 'exit'.
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
    void this.exited.then(() => {
      this.exitedFlag = true;
      this.rpc.close(new Error(`${LABEL} exited${this.stderr.trim() ? `: ${this.stderr.trim().slice(-2000)}` : ''}`));
      this.listener?.({ kind: 'gone' });
    });
    this.child.on('error', (err) => this.rpc.close(new Error(`${LABEL}: cannot run ${config.bin}: ${err.message}`)));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL)));
    this.child.stdin!.on('error', () => {}); // EPIPE after an exit is reported through `exited`
    this.rpc = new JsonRpcConnection(this.child.stdout!, this.child.stdin!, {
      notification: (method, params) => this.listener?.({ kind: 'notification', method, params }),
      request: (request) => {
        if (this.requestHandler) this.requestHandler(request);
        // Nobody to ask (no turn runs): Codex must not hang on it.
        else this.rpc.respondError(request.id, { code: -32000, message: 'no turn is running to answer this request' });
      },
    });
  }

  /** Starts the process and completes the `initialize` handshake. */
  static async start(config: AppServerConfig, opts: { cwd: string; sandboxMode: SandboxMode }): Promise<AppServerProcess> {
    const proc = new AppServerProcess(config, opts.cwd, opts.sandboxMode);
    try {
      await proc.rpc.request('initialize', { clientInfo: { name: 'switchboard', title: 'Switchboard', version: '1.0.0' } }, REQUEST_TIMEOUT_MS);
      proc.rpc.notify('initialized');
      return proc;
    } catch (err) {
      await proc.kill();
      throw err;
    }
  }

  get alive(): boolean {
    return !this.exitedFlag && !this.rpc.closed;
  }

  /** Opens the thread turns go to: resumes `threadId` when given, else starts one. Returns its id. */
  async openThread(opts: ThreadOptions): Promise<{ threadId: string; resumed: boolean }> {
    if (opts.threadId && opts.threadId === this.threadId) return { threadId: opts.threadId, resumed: true };
    const settings = { cwd: opts.cwd, approvalPolicy: opts.approvalPolicy, sandbox: opts.sandbox, ...(opts.model && opts.model !== 'default' ? { model: opts.model } : {}) };
    if (opts.threadId) {
      try {
        const resumed = await this.rpc.request('thread/resume', { threadId: opts.threadId, ...settings }, REQUEST_TIMEOUT_MS);
        this.threadId = threadIdOf(resumed) ?? opts.threadId;
        return { threadId: this.threadId, resumed: true };
      } catch (err) {
        if (!this.alive) throw err;
        // A thread Codex no longer has (its home was reset): the conversation goes on in a new one.
      }
    }
    const started = await this.rpc.request('thread/start', settings, REQUEST_TIMEOUT_MS);
    const threadId = threadIdOf(started);
    if (!threadId) throw new Error(`${LABEL}: thread/start returned no thread id`);
    this.threadId = threadId;
    return { threadId, resumed: false };
  }

  /** One turn on the open thread: streams its events until `turn/completed`. */
  async *runTurn(opts: TurnOptions): AsyncGenerator<TurnEvent> {
    const threadId = this.threadId;
    if (!threadId) throw new Error(`${LABEL}: no thread is open`);
    await this.busy;
    let done!: () => void;
    this.busy = new Promise((resolve) => (done = resolve));

    const { push, next } = asyncQueue<Item>();
    this.listener = push;
    if (!this.alive) push({ kind: 'gone' });

    let turnId: string | undefined;
    let completed = false;
    const requests = new AbortController();
    this.requestHandler = (request) => {
      void opts
        .onServerRequest({ ...request, turnId: str(isRecord(request.params) ? request.params.turnId : undefined) ?? turnId }, requests.signal)
        .then((answer) => ('error' in answer ? this.rpc.respondError(request.id, answer.error) : this.rpc.respond(request.id, answer.result)))
        .catch((err: unknown) => this.rpc.respondError(request.id, { code: -32000, message: err instanceof Error ? err.message : String(err) }));
    };
    let interruptTimer: NodeJS.Timeout | undefined;
    const interrupt = () => {
      if (completed) return;
      if (turnId) void this.rpc.request('turn/interrupt', { threadId, turnId }).catch(() => {});
      // A turn that does not stop is stopped with its process.
      interruptTimer = setTimeout(() => void this.kill(), INTERRUPT_GRACE_MS);
    };
    opts.signal.addEventListener('abort', interrupt, { once: true });

    const mapper = new NotificationMapper();
    try {
      try {
        const started = await this.rpc.request('turn/start', { threadId, input: opts.input }, REQUEST_TIMEOUT_MS);
        turnId = isRecord(started) && isRecord(started.turn) ? str(started.turn.id) : undefined;
      } catch (err) {
        // A process that does not answer is not trusted with the next turn either.
        if (err instanceof RequestTimedOut) await this.kill();
        yield { type: 'error', message: `${LABEL}: turn/start failed: ${err instanceof Error ? err.message : String(err)}` };
        return;
      }
      if (!turnId) {
        yield { type: 'error', message: `${LABEL}: turn/start returned no turn id` };
        return;
      }
      this.activeTurnId = turnId;
      yield { type: 'turn_started', turnId };
      if (opts.signal.aborted) interrupt();
      for (;;) {
        const item = await next();
        if (item.kind === 'gone') {
          if (!opts.signal.aborted) yield { type: 'error', message: `${LABEL} exited during the turn${this.stderr.trim() ? `: ${this.stderr.trim().slice(-2000)}` : ''}` };
          return;
        }
        const params = isRecord(item.params) ? item.params : {};
        // Another thread's or turn's notifications (none expected on a connection with one thread) are not this turn's.
        const itsTurn = str(params.turnId) ?? (isRecord(params.turn) ? str(params.turn.id) : undefined);
        if (itsTurn && itsTurn !== turnId) continue;
        yield { type: 'notification', method: item.method, params: item.params };
        for (const event of mapper.map(item.method, params)) yield event;
        if (item.method === 'turn/completed') {
          completed = true;
          const usage = mapper.usage();
          if (usage) yield usage;
          const turn = isRecord(params.turn) ? params.turn : {};
          if (CODEX_FAILED_TURN.has(str(turn.status) ?? '')) {
            const error = isRecord(turn.error) ? str(turn.error.message) : undefined;
            yield { type: 'error', message: `codex: ${error ?? mapper.lastError ?? 'turn failed'}` };
          }
          return;
        }
      }
    } finally {
      this.activeTurnId = undefined;
      clearTimeout(interruptTimer);
      opts.signal.removeEventListener('abort', interrupt);
      requests.abort();
      this.requestHandler = undefined;
      this.listener = undefined;
      if (!completed && this.alive) {
        // Left mid-turn (aborted, or the consumer stopped): the next turn may start only once
        // Codex has wound this one down; a process that does not is not reused.
        if (turnId && !opts.signal.aborted) void this.rpc.request('turn/interrupt', { threadId, turnId }).catch(() => {});
        void this.windDown(turnId).finally(done);
      } else done();
    }
  }

  /**
   * Adds input to the turn running now (`turn/steer`). False when no turn runs or Codex refuses
   * (the turn just ended, or cannot be steered): the input then waits for the next turn.
   */
  async steer(input: TurnInput): Promise<boolean> {
    const turnId = this.activeTurnId;
    if (!turnId || !this.threadId) return false;
    try {
      await this.rpc.request('turn/steer', { threadId: this.threadId, input, expectedTurnId: turnId }, REQUEST_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }

  private async windDown(turnId: string | undefined): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<boolean>((resolve) => {
      this.listener = (item) => {
        if (item.kind === 'gone') resolve(false);
        else if (item.method === 'turn/completed' && (!turnId || (isRecord(item.params) && isRecord(item.params.turn) && item.params.turn.id === turnId))) resolve(true);
      };
      timer = setTimeout(() => resolve(false), INTERRUPT_GRACE_MS);
    });
    const ok = await ended;
    clearTimeout(timer);
    this.listener = undefined;
    if (!ok) await this.kill();
  }

  /** SIGTERM to the group, SIGKILL after the grace; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.exitedFlag) {
      this.signalGroup('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), this.config.killGraceMs ?? 1000);
      await this.exited;
      clearTimeout(timer);
      // Whatever the leader left in its group goes too.
      this.signalGroup('SIGKILL');
    }
    this.rpc.close(new Error(`${LABEL} was stopped`));
  }
}

function threadIdOf(result: unknown): string | undefined {
  return isRecord(result) && isRecord(result.thread) ? str(result.thread.id) : undefined;
}

/** The tool call an item stands for (for the session's tool activity), or undefined. */
function itemCall(item: Record<string, unknown>): ToolCall | undefined {
  const id = str(item.id) ?? '';
  switch (item.type) {
    case 'commandExecution':
      return { id, name: 'command_execution', input: { command: commandText(item.command) ?? '', cwd: str(item.cwd) } };
    case 'fileChange':
      return { id, name: 'file_change', input: { changes: Array.isArray(item.changes) ? item.changes : [] } };
    case 'mcpToolCall':
      return { id, name: `mcp:${str(item.server) ?? '?'}/${str(item.tool) ?? '?'}`, input: item.arguments ?? {} };
    case 'webSearch':
      return { id, name: 'web_search', input: { query: str(item.query) ?? '' } };
    default:
      return undefined;
  }
}

/** Codex's turn status (not Switchboard's) for a turn that failed. */
const CODEX_FAILED_TURN = new Set(['failed']);

/** Codex's item statuses (not Switchboard's) that mean the item did not succeed. */
const CODEX_UNSUCCESSFUL_ITEM = new Set(['failed', 'declined']);

function itemResult(item: Record<string, unknown>): { output: string; isError: boolean } {
  const failed = CODEX_UNSUCCESSFUL_ITEM.has(str(item.status) ?? '');
  if (item.type === 'commandExecution') {
    const exitCode = typeof item.exitCode === 'number' ? item.exitCode : null;
    return { output: str(item.aggregatedOutput) ?? '', isError: failed || (exitCode !== null && exitCode !== 0) };
  }
  if (item.type === 'fileChange') {
    const changes = Array.isArray(item.changes) ? item.changes.filter(isRecord) : [];
    return { output: changes.map((c) => `${isRecord(c.kind) ? str(c.kind.type) ?? 'update' : str(c.kind) ?? 'update'} ${str(c.path) ?? ''}`).join('\n'), isError: failed };
  }
  return { output: '', isError: failed };
}

/** A command as Codex sends it: a string (v2) or an argv (v1). */
export function commandText(command: unknown): string | undefined {
  if (typeof command === 'string') return command;
  if (Array.isArray(command) && command.every((c) => typeof c === 'string')) return command.join(' ');
  return undefined;
}

/** Turns notifications into backend events: text, tool activity, and the turn's token usage. */
export class NotificationMapper {
  private readonly text = new TextJoiner();
  private readonly streamed = new Set<string>();
  private base: { input: number; output: number } | undefined;
  private latest: { input: number; output: number } | undefined;
  lastError: string | undefined;

  map(method: string, params: Record<string, unknown>): BackendEvent[] {
    const item = isRecord(params.item) ? params.item : undefined;
    switch (method) {
      case 'item/agentMessage/delta': {
        const delta = str(params.delta) ?? '';
        const itemId = str(params.itemId) ?? '';
        if (!this.streamed.has(itemId)) {
          this.streamed.add(itemId);
          this.text.newBlock();
        }
        const piece = this.text.text(delta);
        return piece ? [{ type: 'text_delta', text: piece }] : [];
      }
      case 'item/started': {
        const call = item && itemCall(item);
        return call ? [{ type: 'tool_activity', call }] : [];
      }
      case 'item/completed': {
        if (!item) return [];
        // A message whose text was not streamed as deltas arrives whole.
        if (item.type === 'agentMessage' && typeof item.text === 'string' && !this.streamed.has(str(item.id) ?? '')) {
          this.text.newBlock();
          const piece = this.text.text(item.text);
          return piece ? [{ type: 'text_delta', text: piece }] : [];
        }
        const call = itemCall(item);
        if (!call) return [];
        this.text.newBlock();
        return [{ type: 'tool_activity', call, result: itemResult(item) }];
      }
      case 'thread/tokenUsage/updated': {
        const usage = isRecord(params.tokenUsage) ? params.tokenUsage : {};
        const total = isRecord(usage.total) ? usage.total : {};
        const last = isRecord(usage.last) ? usage.last : {};
        const now = { input: num(total.inputTokens), output: num(total.outputTokens) };
        // `total` is the thread's running count; the turn's usage is what it grew by since the turn
        // began, which (for the first report) is this report's own `last`.
        this.base ??= { input: now.input - num(last.inputTokens), output: now.output - num(last.outputTokens) };
        this.latest = now;
        return [];
      }
      case 'error': {
        const error = isRecord(params.error) ? str(params.error.message) : str(params.error);
        if (error) this.lastError = error;
        return [];
      }
      default:
        return [];
    }
  }

  /** The turn's token usage, reported once at its end. */
  usage(): BackendEvent | undefined {
    if (!this.base || !this.latest) return undefined;
    return { type: 'usage', inputTokens: Math.max(0, this.latest.input - this.base.input), outputTokens: Math.max(0, this.latest.output - this.base.output) };
  }
}
