/**
 * A minimal Server-Sent Events reader (the WHATWG event-stream grammar: `event:`/`data:` fields,
 * `:` comments, blank line dispatches, any of CRLF/LF/CR as line end). Hand-written rather than a
 * dependency so that aborting is just the fetch signal: a pending `read()` rejects and we stop.
 */

export interface SseMessage {
  /** `message` when the server sent no `event:` field. */
  event: string;
  data: string;
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let sawData = false;

  function* takeLines(final: boolean): Generator<SseMessage> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A trailing CR may be the first half of a CRLF split across chunks; wait for more input.
      if (!match || (!final && match[0] === '\r' && match.index === buffer.length - 1)) return;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (sawData) yield { event: event || 'message', data: data.join('\n') };
        event = '';
        data = [];
        sawData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        data.push(value);
        sawData = true;
      } else if (field === 'event') {
        event = value;
      }
    }
  }

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      yield* takeLines(false);
    }
    buffer += decoder.decode();
    yield* takeLines(true);
    // Some servers end the stream without the final blank line; deliver what was pending.
    if (buffer !== '') {
      buffer += '\n';
      yield* takeLines(true);
    }
    if (sawData) yield { event: event || 'message', data: data.join('\n') };
  } finally {
    // Stops the download when the consumer leaves early (tool call found, abort, error).
    reader.cancel().catch(() => {});
  }
}
