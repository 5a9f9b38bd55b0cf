import { describe, expect, it } from 'vitest';
import { agentdSessionStatus } from '@/server/api/dialects/agentd/shapes';
import { SESSION_STATUSES } from '@/server/core/work/status';
import { appendToLog, applyToSteps, displayStepStatus, summarizeEvent, toolDiff } from './events';
import { sessionStatusWord } from './work';

const event = (type: string, data: Record<string, unknown>) => ({ seq: 1, type, data, created_at: '2026-01-01T00:00:00.000Z' });

describe('summarizeEvent', () => {
  it('says who approved, denied or canceled, where the event records it', () => {
    expect(summarizeEvent(event('approval_granted', { message: 'bash approved', actor: { kind: 'user', id: 'usr_1', owner_id: 'usr_1' } }))).toBe(
      'bash approved · by user usr_1',
    );
    expect(summarizeEvent(event('approval_denied', { message: 'bash denied', reason: 'no', actor: { kind: 'api_key', id: 'key_9', owner_id: 'usr_1' } }))).toBe(
      'bash denied · reason: no · by api key key_9',
    );
    expect(summarizeEvent(event('run_cancel_requested', { actor: { kind: 'admin', id: 'admin', owner_id: 'admin' } }))).toBe('by the admin');
    expect(summarizeEvent(event('run_started', { message: 'run started' }))).toBe('run started');
  });
});

describe('summarizeEvent for session events', () => {
  it('puts session and turn events in words, never raw JSON', () => {
    expect(summarizeEvent(event('session_created', { session_id: 'ses_1', mode: 'chat', model: 'scripted:default', workspace_path: '/w' }))).toBe(
      'session created · on scripted:default · chat mode · in /w',
    );
    expect(summarizeEvent(event('turn_queued', { turn_id: 't1' }))).toBe('turn queued');
    expect(summarizeEvent(event('turn_queued', { turn_id: 't2', retry_of: 't1' }))).toBe('turn queued (retry of t1)');
    expect(summarizeEvent(event('turn_started', { turn_id: 't1', model: 'scripted:default' }))).toBe('turn started on scripted:default');
    expect(summarizeEvent(event('turn_completed', { turn_id: 't1', status: 'succeeded' }))).toBe('turn succeeded');
    expect(summarizeEvent(event('turn_interrupted', { turn_id: 't1' }))).toBe('turn interrupted');
    expect(summarizeEvent(event('turn_failed', { turn_id: 't1', status: 'failed', message: 'boom' }))).toBe('turn failed: boom');
    expect(summarizeEvent(event('turn_steered', { turn_id: 't1' }))).toBe('new input added to the running turn');
    expect(summarizeEvent(event('turn_cancel_requested', { turn_id: 't1', actor: { kind: 'admin', id: 'admin' } }))).toBe('cancel requested · by the admin');
    expect(summarizeEvent(event('message_added', { role: 'user', sequence: 3, turn_id: 't1' }))).toBe('user #3');
    const unknown = summarizeEvent(event('something_new', { step_id: 'st_1', tool_call_id: 'c1', status: 'ok', count: 2, nested: { a: 1 } }));
    expect(unknown).toBe('status ok · count 2 · nested {"a":1}');
  });

  it('puts tool calls in words: the command, its exit code and output', () => {
    expect(summarizeEvent(event('tool_call_started', { tool_name: 'bash', command: 'ls -la' }))).toBe('bash: ls -la');
    expect(summarizeEvent(event('command_executed', { command: 'ls', exit_code: 2, output: 'no such file\nmore' }))).toBe('$ ls → exit 2 · no such file …');
  });
});

const at = (seq: number, type: string, data: Record<string, unknown>, second = seq) => ({
  seq,
  type,
  data,
  created_at: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
});

describe('applyToSteps', () => {
  it('collects a bash call: command, exit code, output, approval with who decided and when', () => {
    const details = applyToSteps({}, [
      at(1, 'step_started', { step_id: 's1', type: 'tool_call', title: 'bash' }),
      at(2, 'approval_requested', { step_id: 's1', tool_name: 'bash', tool_call_id: 'call_1', command: 'ls', input: { command: 'ls' } }),
      at(5, 'approval_granted', { step_id: 's1', actor: { kind: 'user', id: 'usr_1' } }),
      at(6, 'tool_call_started', { step_id: 's1', tool_name: 'bash', tool_call_id: 'call_1', command: 'ls', input: { command: 'ls' } }),
      at(7, 'command_executed', { step_id: 's1', command: 'ls', exit_code: 0, output: 'a\nb' }),
      at(8, 'tool_call_completed', { step_id: 's1', tool_name: 'bash', status: 'succeeded', is_error: false, output: 'a\nb' }),
      at(9, 'run_succeeded', { message: 'run succeeded' }),
    ]);
    expect(details).toEqual({
      s1: {
        stepId: 's1',
        turnId: undefined,
        type: 'tool_call',
        title: 'bash',
        startedAt: '2026-01-01T00:00:01.000Z',
        completedAt: '2026-01-01T00:00:08.000Z',
        toolName: 'bash',
        toolCallId: 'call_1',
        input: { command: 'ls' },
        command: 'ls',
        exitCode: 0,
        output: 'a\nb',
        isError: false,
        denied: false,
        approval: { requestedAt: '2026-01-01T00:00:02.000Z', decision: 'approved', decidedAt: '2026-01-01T00:00:05.000Z', decidedBy: 'user usr_1', reason: undefined },
      },
    });
  });

  it('records a denial with its reason, and a model failure', () => {
    const details = applyToSteps({}, [
      at(1, 'approval_requested', { step_id: 's1', tool_name: 'bash' }),
      at(2, 'approval_denied', { step_id: 's1', reason: 'no', actor: { kind: 'admin', id: 'admin' } }),
      at(3, 'model_output_failed', { step_id: 's2', message: 'rate limited' }),
    ]);
    expect(details.s1!.approval).toMatchObject({ decision: 'denied', decidedBy: 'the admin', reason: 'no' });
    expect(details.s2!.modelError).toBe('rate limited');
  });
});

describe('displayStepStatus', () => {
  it("calls the step a cancel stopped interrupted, and keeps a real failure a failure", () => {
    expect(displayStepStatus('failed', 'canceled', { stepId: 's', output: 'canceled while running' })).toBe('interrupted');
    expect(displayStepStatus('failed', 'canceled', { stepId: 's' })).toBe('interrupted');
    expect(displayStepStatus('running', 'canceled', undefined)).toBe('interrupted');
    expect(displayStepStatus('failed', 'canceled', { stepId: 's', output: 'exit 1', isError: true })).toBe('failed');
    expect(displayStepStatus('failed', 'canceled', { stepId: 's', modelError: 'bad key' })).toBe('failed');
    expect(displayStepStatus('failed', 'failed', { stepId: 's' })).toBe('failed');
    expect(displayStepStatus('succeeded', 'canceled', { stepId: 's' })).toBe('succeeded');
  });
});

describe('toolDiff', () => {
  it('shows write_file as added lines, edit_file as removed then added, apply_patch by its signs', () => {
    expect(toolDiff('write_file', { path: 'a.txt', content: 'one\ntwo\n' })).toEqual([
      { kind: 'file', text: 'a.txt' },
      { kind: 'add', text: 'one' },
      { kind: 'add', text: 'two' },
    ]);
    expect(toolDiff('edit_file', { path: 'a.txt', old_string: 'one', new_string: 'uno' })).toEqual([
      { kind: 'file', text: 'a.txt' },
      { kind: 'del', text: 'one' },
      { kind: 'add', text: 'uno' },
    ]);
    expect(toolDiff('apply_patch', { patch: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same' })).toEqual([
      { kind: 'file', text: '--- a/x' },
      { kind: 'file', text: '+++ b/x' },
      { kind: 'hunk', text: '@@ -1 +1 @@' },
      { kind: 'del', text: 'old' },
      { kind: 'add', text: 'new' },
      { kind: 'context', text: 'same' },
    ]);
    expect(toolDiff('bash', { command: 'ls' })).toBeNull();
    expect(toolDiff('write_file', { path: 1 })).toBeNull();
  });
});

describe('sessionStatusWord', () => {
  it('says what the REST session shape says', () => {
    for (const status of SESSION_STATUSES) {
      for (const last_turn_id of [null, 't1']) {
        expect(sessionStatusWord({ status, last_turn_id }), `${status} ${last_turn_id}`).toBe(agentdSessionStatus({ status, last_turn_id }));
      }
    }
  });
});

describe('appendToLog', () => {
  it('folds the deltas of one step into one line, keeping the spaces between them', () => {
    const log = appendToLog([], [
      at(1, 'model_output_delta', { step_id: 's1', text: 'working ' }),
      at(2, 'model_output_delta', { step_id: 's1', text: 'on it' }),
      at(3, 'run_cancel_requested', { message: 'cancel requested by admin', actor: { kind: 'admin', id: 'admin' } }),
    ]);
    expect(log.map((e) => [e.type, e.count, e.summary])).toEqual([
      ['model_output_delta', 2, 'working on it'],
      ['run_cancel_requested', 1, 'cancel requested by admin'],
    ]);
  });
});
