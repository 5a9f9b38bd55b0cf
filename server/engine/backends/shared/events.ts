/**
 * Small helpers shared by every backend: reading the conversation, estimating tokens, and
 * keeping secrets out of error messages.
 */
import type { ModelMessage, TextPart } from '../types';

type UserMessage = Extract<ModelMessage, { role: 'user' }>;

/** Index of the latest user message, or -1 when there is none. */
export function latestUserIndex(messages: ModelMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

/** The text of a user message: its text parts joined by newlines (so each part keeps its own lines). */
export function userText(message: UserMessage): string {
  return message.content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** Everything a model would read, flattened, for rough token estimates. */
export function conversationChars(system: string | undefined, messages: ModelMessage[]): number {
  let chars = system?.length ?? 0;
  for (const m of messages) {
    if (m.role === 'user') chars += userText(m).length;
    else if (m.role === 'assistant') chars += m.text.length + JSON.stringify(m.toolCalls).length;
    else chars += m.output.length;
  }
  return chars;
}

/** The common ~4 characters per token rule of thumb; good enough for metering fallbacks. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/**
 * Removes a secret from text that is about to leave the backend (error messages may echo request
 * details, and some providers quote the key they rejected).
 */
export function redact(text: string, ...secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** Message of anything thrown, including the `cause` fetch() hides the real reason in. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return `${err.message} (${code ? `${code}: ` : ''}${cause.message})`;
  }
  return err.message;
}

/** Resolves after `ms`, or as soon as `signal` aborts (then with `false`). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number from an unknown JSON field, or 0. */
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
