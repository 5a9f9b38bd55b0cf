#!/usr/bin/env node
/**
 * A stand-in for `codex app-server` in tests: speaks the same JSON-RPC over stdio (v2 method and
 * notification names) without a model. Run as `<this file> app-server`.
 *
 * initialize → {userAgent}; thread/start → a new thread id; thread/resume → the same id;
 * turn/start → turn/started, an agentMessage item streamed as `item/agentMessage/delta`s saying
 * `fake reply: <prompt>`, `thread/tokenUsage/updated`, then `turn/completed`. Markers in the prompt:
 *
 *   !run <command>   asks `item/commandExecution/requestApproval` for <command> first; runs it with
 *                    /bin/sh in the cwd when the answer is accept/acceptForSession, else skips it
 *   !patch <file>    asks `item/fileChange/requestApproval` for adding <file>; writes it when accepted
 *   !ask             asks `item/tool/requestUserInput` and says the answer it got
 *   !hang            streams a delta, then waits until `turn/interrupt` (→ status `interrupted`) or
 *                    `turn/steer` (then says `steered: <input>` and completes)
 *   !fail            ends the turn with status `failed`
 *
 * Every message it receives is appended to `.fake-app-server.jsonl` in its cwd (the workspace),
 * and its pid to `.fake-app-server.pids`, so tests can see what was sent and which processes ran.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';

if (process.argv[2] === '--version') {
  process.stdout.write('codex-cli 0.0.0 (fake app-server)\n');
  process.exit(0);
}
if (process.argv[2] !== 'app-server') {
  process.stderr.write(`the fake codex only speaks app-server, not ${process.argv.slice(2).join(' ')}\n`);
  process.exit(2);
}

const log = (message) => fs.appendFileSync('.fake-app-server.jsonl', `${JSON.stringify(message)}\n`);
fs.appendFileSync('.fake-app-server.pids', `${process.pid}\n`);

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const notify = (method, params) => send({ method, params });
let nextRequestId = 1000;
const waitingAnswers = new Map();
/** A request to the client; resolves with its response message. */
function ask(method, params) {
  const id = nextRequestId++;
  send({ id, method, params });
  return new Promise((resolve) => waitingAnswers.set(id, resolve));
}

let initialized = false;
let threadCounter = 0;
const totals = new Map();
let active; // { threadId, turnId, interrupted: () => void }

const textOf = (input) => (Array.isArray(input) ? input.filter((p) => p.type === 'text').map((p) => p.text).join('\n') : '');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function streamMessage(threadId, turnId, itemId, text) {
  notify('item/started', { threadId, turnId, item: { type: 'agentMessage', id: itemId, text: '' } });
  const words = text.split(/(?<= )/);
  for (const delta of words) {
    notify('item/agentMessage/delta', { threadId, turnId, itemId, delta });
    await sleep(2);
  }
  notify('item/completed', { threadId, turnId, item: { type: 'agentMessage', id: itemId, text } });
}

async function runTurn(threadId, turnId, prompt, cwd) {
  notify('turn/started', { threadId, turn: { id: turnId, status: 'inProgress', items: [], error: null } });
  const finish = (status, error = null) => {
    const used = (totals.get(threadId) ?? 0) + 10;
    totals.set(threadId, used);
    notify('thread/tokenUsage/updated', {
      threadId,
      turnId,
      tokenUsage: {
        total: { totalTokens: used * 2, inputTokens: used, cachedInputTokens: 0, outputTokens: used, reasoningOutputTokens: 0 },
        last: { totalTokens: 20, inputTokens: 10, cachedInputTokens: 0, outputTokens: 10, reasoningOutputTokens: 0 },
        modelContextWindow: null,
      },
    });
    active = undefined;
    notify('turn/completed', { threadId, turn: { id: turnId, status, items: [], error } });
  };
  const run = /!run (.+)/.exec(prompt);
  if (run) {
    const command = run[1].trim();
    const itemId = `call_${turnId}`;
    notify('item/started', { threadId, turnId, item: { type: 'commandExecution', id: itemId, command, cwd, status: 'inProgress', commandActions: [] } });
    const answer = await ask('item/commandExecution/requestApproval', { threadId, turnId, itemId, reason: 'the fake wants to run a command', command, cwd, commandActions: [] });
    log({ answer });
    const decision = answer.result?.decision;
    if (decision === 'accept' || decision === 'acceptForSession') {
      let output = '';
      let exitCode = 0;
      try {
        output = execFileSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8' });
      } catch (err) {
        exitCode = err.status ?? 1;
        output = String(err.stdout ?? '');
      }
      notify('serverRequest/resolved', { threadId, requestId: answer.id });
      notify('item/completed', { threadId, turnId, item: { type: 'commandExecution', id: itemId, command, cwd, status: exitCode === 0 ? 'completed' : 'failed', aggregatedOutput: output, exitCode, commandActions: [] } });
      await streamMessage(threadId, turnId, `msg_${turnId}`, `ran ${command}`);
    } else {
      notify('serverRequest/resolved', { threadId, requestId: answer.id });
      notify('item/completed', { threadId, turnId, item: { type: 'commandExecution', id: itemId, command, cwd, status: 'declined', commandActions: [] } });
      await streamMessage(threadId, turnId, `msg_${turnId}`, `did not run ${command}`);
    }
    return finish('completed');
  }
  const patch = /!patch (\S+)/.exec(prompt);
  if (patch) {
    const file = `${cwd}/${patch[1]}`;
    const itemId = `patch_${turnId}`;
    const change = { path: file, kind: { type: 'add' }, diff: '+patched\n' };
    notify('item/started', { threadId, turnId, item: { type: 'fileChange', id: itemId, changes: [change], status: 'inProgress' } });
    const answer = await ask('item/fileChange/requestApproval', { threadId, turnId, itemId, reason: 'the fake wants to write a file' });
    log({ answer });
    const decision = answer.result?.decision;
    const accepted = decision === 'accept' || decision === 'acceptForSession';
    if (accepted) fs.writeFileSync(file, 'patched\n');
    notify('item/completed', { threadId, turnId, item: { type: 'fileChange', id: itemId, changes: [change], status: accepted ? 'completed' : 'declined' } });
    await streamMessage(threadId, turnId, `msg_${turnId}`, accepted ? `wrote ${patch[1]}` : `did not write ${patch[1]}`);
    return finish('completed');
  }
  if (prompt.includes('!ask')) {
    const answer = await ask('item/tool/requestUserInput', { threadId, turnId, itemId: `ask_${turnId}`, questions: [{ id: 'color', header: 'Color', question: 'Which color?' }] });
    await streamMessage(threadId, turnId, `msg_${turnId}`, `answer: ${JSON.stringify(answer.result ?? answer.error)}`);
    return finish('completed');
  }
  if (prompt.includes('!hang')) {
    notify('item/started', { threadId, turnId, item: { type: 'agentMessage', id: `msg_${turnId}`, text: '' } });
    notify('item/agentMessage/delta', { threadId, turnId, itemId: `msg_${turnId}`, delta: 'working…' });
    const steered = await new Promise((resolve) => {
      active.interrupted = () => resolve(undefined);
      active.steered = resolve;
    });
    if (steered === undefined) return finish('interrupted');
    notify('item/completed', { threadId, turnId, item: { type: 'agentMessage', id: `msg_${turnId}`, text: 'working…' } });
    await streamMessage(threadId, turnId, `steer_${turnId}`, `steered: ${steered}`);
    return finish('completed');
  }
  if (prompt.includes('!fail')) {
    notify('error', { threadId, turnId, error: { message: 'the fake failed on purpose' }, willRetry: false });
    return finish('failed', { message: 'the fake failed on purpose' });
  }
  await streamMessage(threadId, turnId, `msg_${turnId}`, `fake reply: ${prompt}`);
  finish('completed');
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const message = JSON.parse(line);
  log(message);
  if (message.method === undefined) {
    waitingAnswers.get(message.id)?.(message);
    waitingAnswers.delete(message.id);
    return;
  }
  const { id, method, params = {} } = message;
  const reply = (result) => send({ id, result });
  const fail = (code, text) => send({ id, error: { code, message: text } });
  if (method === 'initialize') return initialized ? fail(-32600, 'Already initialized') : ((initialized = true), reply({ userAgent: 'fake-app-server/0.0.0' }));
  if (method === 'initialized') return;
  if (!initialized) return fail(-32600, 'Not initialized');
  switch (method) {
    case 'thread/start': {
      const thread = { id: `thr_fake_${process.pid}_${++threadCounter}`, preview: '', modelProvider: 'openai', createdAt: 0 };
      reply({ thread, model: params.model ?? 'fake-model', cwd: params.cwd, approvalPolicy: params.approvalPolicy, sandbox: params.sandbox });
      return notify('thread/started', { thread });
    }
    case 'thread/resume':
      return reply({ thread: { id: params.threadId, preview: '', modelProvider: 'openai', createdAt: 0 } });
    case 'turn/start': {
      if (active) return fail(-32600, 'a turn is already running');
      const turnId = `turn_fake_${Date.now().toString(36)}`;
      active = { threadId: params.threadId, turnId, interrupted: () => {}, steered: undefined };
      reply({ turn: { id: turnId, status: 'inProgress', items: [], error: null } });
      void runTurn(params.threadId, turnId, textOf(params.input), process.cwd());
      return;
    }
    case 'turn/steer':
      if (!active || active.turnId !== params.expectedTurnId || !active.steered) return fail(-32600, 'no active turn to steer');
      reply({ turnId: active.turnId });
      return active.steered(textOf(params.input));
    case 'turn/interrupt':
      reply({});
      if (active && active.turnId === params.turnId) active.interrupted();
      return;
    default:
      return fail(-32601, `unknown method ${method}`);
  }
});
