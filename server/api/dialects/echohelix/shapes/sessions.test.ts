import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '@/server/core/events/streams';
import { partsOfTurnInput, toSessionEventMessage } from './sessions';

const ctx = { sessionId: 'sess_1', threadId: 'thr_1' };
let seq = 0;
const event = (type: string, data: Record<string, unknown>): StoredEvent => ({ streamId: 'session:sess_1', seq: ++seq, type, data, createdAt: new Date(0), globalPos: seq });

describe('toSessionEventMessage', () => {
  it('passes what a live Codex app-server sent through as it came: notifications, server requests and their resolution', () => {
    const params = { threadId: 'thr_1', turnId: 't', itemId: 'i', delta: 'hi' };
    expect(toSessionEventMessage(event('backend_notification', { method: 'item/agentMessage/delta', params, turn_id: 'turn_1' }), ctx)).toMatchObject({
      session_id: 'sess_1',
      type: 'notification',
      method: 'item/agentMessage/delta',
      payload: params,
    });
    const request = toSessionEventMessage(
      event('server_request', { request_id: 'req_1', method: 'item/commandExecution/requestApproval', kind: 'approval', params: { command: 'rm -rf build', turnId: 't' } }),
      ctx,
    );
    expect(request).toMatchObject({ type: 'request', method: 'item/commandExecution/requestApproval', request_id: 'req_1', payload: { command: 'rm -rf build', request_id: 'req_1', kind: 'approval' } });
    expect(toSessionEventMessage(event('server_request_resolved', { request_id: 'req_1' }), ctx)).toMatchObject({
      type: 'notification',
      method: 'serverRequest/resolved',
      payload: { threadId: 'thr_1', requestId: 'req_1' },
    });
  });

  it('ends every turn with turn/completed: canceled and interrupted turns as interrupted, a failed one with its error', () => {
    const status = (type: string, data: Record<string, unknown> = {}) => toSessionEventMessage(event(type, { turn_id: 'turn_1', ...data }), ctx)!.payload.turn;
    expect(status('turn_completed')).toMatchObject({ id: 'turn_1', status: 'completed', error: null });
    expect(status('turn_interrupted')).toMatchObject({ status: 'interrupted' });
    expect(status('turn_canceled')).toMatchObject({ status: 'interrupted' });
    expect(status('turn_failed', { message: 'boom' })).toMatchObject({ status: 'failed', error: { message: 'boom' } });
  });

  it('a tool call is a commandExecution item for bash, an mcpToolCall otherwise; events Codex has no name for are skipped', () => {
    const bash = toSessionEventMessage(event('tool_call_completed', { turn_id: 'turn_1', tool_call_id: 'call_1', tool_name: 'bash', input: { command: 'ls' }, output: 'a\n', is_error: false }), ctx);
    expect(bash).toMatchObject({ method: 'item/completed', payload: { item: { type: 'commandExecution', id: 'call_1', command: 'ls', status: 'completed', aggregatedOutput: 'a\n' } } });
    const write = toSessionEventMessage(event('tool_call_started', { turn_id: 'turn_1', tool_call_id: 'call_2', tool_name: 'write_file', input: { path: 'a' } }), ctx);
    expect(write).toMatchObject({ method: 'item/started', payload: { item: { type: 'mcpToolCall', tool: 'write_file', status: 'inProgress' } } });
    expect(toSessionEventMessage(event('turn_queued', { turn_id: 'turn_1' }), ctx)).toBeNull();
  });
});

describe('partsOfTurnInput', () => {
  it('takes the prompt and Codex text items; requires one of them', () => {
    expect(partsOfTurnInput({ prompt: 'a', input: [{ type: 'text', text: 'b' }] })).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    expect(() => partsOfTurnInput({})).toThrow(/prompt/);
    expect(() => partsOfTurnInput({ input: [{ type: 'image', url: 'http://x' }] })).toThrow(/input\.0/);
  });
});
