import { describe, expect, it } from 'vitest';
import { collect, request, textOf, user } from '../shared/testing';
import type { ModelMessage } from '../types';
import { chunkText, createScriptedBackend, parseScript, splitSegments } from './scripted';

const backend = createScriptedBackend();

describe('scripted backend', () => {
  it('describes one free model with tools and vision', () => {
    expect(backend.provider).toBe('scripted');
    expect(backend.kind).toBe('api');
    expect(backend.models()).toEqual([
      {
        ref: 'scripted:default',
        provider: 'scripted',
        model: 'default',
        displayName: 'Scripted (deterministic)',
        capabilities: { tools: true, vision: true, streaming: true },
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      },
    ]);
  });

  it('echoes plain text, streamed in several chunks, with a usage estimate', async () => {
    const events = await collect(backend.call(request([user('hello there world')])));
    const deltas = events.filter((e) => e.type === 'text_delta');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(textOf(events)).toBe('echo: hello there world');
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: Math.ceil(17 / 4), outputTokens: Math.ceil(23 / 4) });
  });

  it('echoes even a one-character message in three chunks', async () => {
    const events = await collect(backend.call(request([user('x')])));
    expect(events.filter((e) => e.type === 'text_delta').length).toBe(3);
    expect(textOf(events)).toBe('echo: x');
  });

  it('echoes the latest user message only, joining its text parts', async () => {
    const messages: ModelMessage[] = [
      user('first'),
      { role: 'assistant', text: 'echo: first', toolCalls: [] },
      { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'image', path: '/w/a.png', workspace: '/w', mimeType: 'image/png' }, { type: 'text', text: 'part' }] },
    ];
    expect(textOf(await collect(backend.call(request(messages))))).toBe('echo: second\npart');
  });

  it('runs say / tool / say across two calls, the way the engine drives it', async () => {
    const script = '::say A\n::tool bash {"command":"echo hi"}\n::say B';
    const first = await collect(backend.call(request([user(script)])));
    expect(textOf(first)).toBe('A');
    const toolCalls = first.filter((e) => e.type === 'tool_call');
    expect(toolCalls).toEqual([{ type: 'tool_call', call: { id: 'call_1', name: 'bash', input: { command: 'echo hi' } } }]);
    // The tool call comes after all text, and usage is always reported.
    expect(first.findIndex((e) => e.type === 'tool_call')).toBeGreaterThan(first.findLastIndex((e) => e.type === 'text_delta'));
    expect(first.at(-1)?.type).toBe('usage');

    const history: ModelMessage[] = [
      user(script),
      { role: 'assistant', text: 'A', toolCalls: [{ id: 'call_1', name: 'bash', input: { command: 'echo hi' } }] },
      { role: 'tool', toolCallId: 'call_1', toolName: 'bash', output: 'hi\n', isError: false },
    ];
    const second = await collect(backend.call(request(history)));
    expect(textOf(second)).toBe('B');
    expect(second.filter((e) => e.type === 'tool_call')).toEqual([]);
    expect(second.at(-1)?.type).toBe('usage');

    // A further call past the end of the script says nothing (but still meters).
    const third = await collect(backend.call(request([...history, { role: 'assistant', text: 'B', toolCalls: [] }])));
    expect(third.map((e) => e.type)).toEqual(['usage']);
  });

  it('numbers tool calls across the conversation so ids stay unique', async () => {
    const script = '::tool read_file {"path":"a"}\n::tool read_file {"path":"b"}';
    const messages: ModelMessage[] = [
      user('earlier'),
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'x', input: {} }, { id: 'call_2', name: 'y', input: {} }] },
      user(script),
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_3', name: 'read_file', input: { path: 'a' } }] },
      { role: 'tool', toolCallId: 'call_3', toolName: 'read_file', output: 'A', isError: false },
    ];
    const events = await collect(backend.call(request(messages)));
    expect(events.find((e) => e.type === 'tool_call')).toEqual({
      type: 'tool_call',
      call: { id: 'call_4', name: 'read_file', input: { path: 'b' } },
    });
  });

  it('uses ::usage instead of the estimate, and ignores non-directive lines', async () => {
    const events = await collect(backend.call(request([user('chatter\n::say hi there you\nmore chatter\n::usage 120 34')])));
    expect(textOf(events)).toBe('hi there you');
    expect(events.filter((e) => e.type === 'usage')).toEqual([{ type: 'usage', inputTokens: 120, outputTokens: 34 }]);
  });

  it('separates several says in one call with a newline', async () => {
    expect(textOf(await collect(backend.call(request([user('::say one\n::say two')]))))).toBe('one\ntwo');
  });

  it('fails with the scripted message and emits nothing after it', async () => {
    const events = await collect(backend.call(request([user('::say before\n::fail model overloaded\n::say after')])));
    expect(textOf(events)).toBe('before');
    expect(events.at(-1)).toEqual({ type: 'error', message: 'model overloaded' });
  });

  it('reports malformed directives as errors naming the line', async () => {
    for (const [script, pattern] of [
      ['::sleep soon', /line 1 \(::sleep soon\).*milliseconds/],
      ['::say ok\n::tool bash {oops', /line 2 .*invalid JSON/],
      ['::usage 1', /two token counts/],
      ['::tool', /tool name/],
    ] as const) {
      const events = await collect(backend.call(request([user(script)])));
      const last = events.at(-1);
      expect(last?.type).toBe('error');
      expect(last?.type === 'error' && last.message).toMatch(pattern);
    }
  });

  it('sleeps, and stops within 100 ms when aborted mid-sleep', async () => {
    const slept = Date.now();
    await collect(backend.call(request([user('::sleep 60\n::say done')])));
    expect(Date.now() - slept).toBeGreaterThanOrEqual(55);

    const controller = new AbortController();
    const events: string[] = [];
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = Date.now();
      controller.abort();
    }, 30);
    for await (const e of backend.call(request([user('::say waiting now\n::sleep 10000\n::say never')], { signal: controller.signal }))) {
      events.push(e.type);
    }
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(events).toEqual(['text_delta', 'text_delta', 'text_delta']); // 'waiting now', streamed; never 'never'
  });

  it('does nothing when called with an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(backend.call(request([user('hi')], { signal: controller.signal })))).toEqual([]);
  });

  it('is deterministic', async () => {
    const script = '::say the quick brown fox\n::tool write_file {"path":"a.txt","content":"x"}';
    const a = await collect(backend.call(request([user(script)], { system: 'be brief' })));
    const b = await collect(backend.call(request([user(script)], { system: 'be brief' })));
    expect(a).toEqual(b);
  });

  it('spaces chunks out when configured to', async () => {
    const slow = createScriptedBackend({ chunkDelayMs: 20 });
    const started = Date.now();
    await collect(slow.call(request([user('::say a b c d')])));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('reports healthy', async () => {
    expect(await backend.health()).toEqual({ ok: true, message: 'built in' });
  });
});

describe('script parsing', () => {
  it('splits into segments ending at each ::tool', () => {
    const segments = splitSegments(parseScript('::say A\n::tool t1 {}\n::say B\n::tool t2\n  ::say C'));
    expect(segments.map((s) => s.map((d) => d.kind))).toEqual([['say', 'tool'], ['say', 'tool'], ['say']]);
    expect(segments[1]![1]).toEqual({ kind: 'tool', name: 't2', input: {} });
  });

  it('does not mistake look-alikes for directives', () => {
    expect(parseScript('::sayhello\n: say x\n::unknown y\nsay ::say')).toEqual([]);
  });

  it('chunks text at words, keeping every character', () => {
    expect(chunkText('one two  three')).toEqual(['one ', 'two  ', 'three']);
    expect(chunkText('ab')).toEqual(['a', 'b']);
    expect(chunkText('')).toEqual([]);
    expect(chunkText('abcdefg').join('')).toBe('abcdefg');
  });
});
