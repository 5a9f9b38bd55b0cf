import { describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function read(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(streamOf(chunks))) out.push(m);
  return out;
}

describe('readSse', () => {
  it('parses events, data, comments and the default event name', async () => {
    expect(await read([': keep-alive\n\nevent: ping\ndata: {"type":"ping"}\n\ndata: hello\n\n'])).toEqual([
      { event: 'ping', data: '{"type":"ping"}' },
      { event: 'message', data: 'hello' },
    ]);
  });

  it('joins multi-line data and handles CRLF split across chunks', async () => {
    expect(await read(['data: a\r', '\ndata: b\r\n\r', '\ndata:c\r\r'])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('reassembles events and multi-byte characters split anywhere', async () => {
    const text = 'data: {"text":"héllo ✓"}\n\n';
    const bytes = new TextEncoder().encode(text);
    const out: SseMessage[] = [];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]));
        controller.close();
      },
    });
    for await (const m of readSse(stream)) out.push(m);
    expect(out).toEqual([{ event: 'message', data: '{"text":"héllo ✓"}' }]);
  });

  it('delivers a final event that lacks the closing blank line', async () => {
    expect(await read(['data: [DONE]'])).toEqual([{ event: 'message', data: '[DONE]' }]);
  });

  it('ignores events without data and unknown fields', async () => {
    expect(await read(['event: x\n\nid: 4\nretry: 100\ndata: y\n\n'])).toEqual([{ event: 'message', data: 'y' }]);
  });
});
