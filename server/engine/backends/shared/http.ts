/**
 * What HTTP backends share: POSTing a streaming request and turning failures into the one-line
 * `error` event the engine shows to users.
 */
import { readFile } from 'node:fs/promises';
import { resolveInWorkspace } from '../../tools/workspace-path';
import type { ImagePart } from '../types';
import { describeError, isRecord, redact, str } from './events';

/** Pulls the human message out of the error bodies providers send (OpenAI, Anthropic, Ollama, vLLM). */
export function providerErrorMessage(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json)) {
      const error = json.error;
      if (typeof error === 'string') return error;
      if (isRecord(error) && typeof error.message === 'string') {
        const type = str(error.type) ?? str(error.code);
        return type ? `${error.message} (${type})` : error.message;
      }
      if (typeof json.message === 'string') return json.message;
      if (typeof json.detail === 'string') return json.detail;
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || 'no response body';
}

export type PostResult =
  | { ok: true; response: Response }
  | { ok: false; aborted: true }
  | { ok: false; aborted: false; message: string };

/**
 * POSTs JSON and asks for an event stream. A non-2xx answer is read in full and summarised as
 * `HTTP <status>: <provider message>`; nothing secret is ever included (`secret` is redacted from
 * whatever the provider echoes).
 */
export async function postStream(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  secret: string | undefined,
): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) return { ok: false, aborted: true };
    return { ok: false, aborted: false, message: redact(`request to ${url} failed: ${describeError(err)}`, secret) };
  }
  if (!response.ok) {
    let text = '';
    try {
      text = await response.text();
    } catch {
      if (signal.aborted) return { ok: false, aborted: true };
    }
    const message = `HTTP ${response.status}: ${providerErrorMessage(text)}`;
    return { ok: false, aborted: false, message: redact(message, secret) };
  }
  if (!response.body) return { ok: false, aborted: false, message: 'empty response body' };
  return { ok: true, response };
}

/** GET probe used by `health()`: 2xx within the timeout means the endpoint and credentials work. */
export async function probe(
  url: string,
  headers: Record<string, string>,
  secret: string | undefined,
  timeoutMs = 5000,
): Promise<{ ok: boolean; message: string }> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (response.ok) return { ok: true, message: `reachable (HTTP ${response.status})` };
    return { ok: false, message: redact(`HTTP ${response.status}: ${providerErrorMessage(text)}`, secret) };
  } catch (err) {
    return { ok: false, message: redact(`unreachable: ${describeError(err)}`, secret) };
  }
}

/**
 * Reads a workspace image as base64 for inlining in a request. Confined when read, not only when
 * the ref was posted: the file may since have been replaced by a symlink to a host secret, which
 * would otherwise be sent to the model provider.
 */
export async function readImageBase64(image: ImagePart): Promise<string> {
  const file = await resolveInWorkspace(image.workspace, image.path);
  return (await readFile(file)).toString('base64');
}
