/** Small pieces the tools share: output capping, binary sniffing, readable fs errors. */
import fs from 'node:fs/promises';
import { ToolInputError } from './workspace-path';

/** Bytes sniffed to decide whether a file is text (git looks at the first 8000). */
export const SNIFF_BYTES = 8192;

/** The longest prefix of `text` that is at most `maxBytes` of UTF-8, cut on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) so a multi-byte character is not split.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** `text` if it fits in `capBytes`, else its head and a note saying it was cut, together within `capBytes`. */
export function capOutput(text: string, capBytes: number): string {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= capBytes) return text;
  const note = `\n[output truncated: ${total} bytes in all, limit ${capBytes}]`;
  return truncateUtf8(text, Math.max(0, capBytes - Buffer.byteLength(note))) + note;
}

/** NUL bytes or invalid UTF-8 in the sample: not something to hand a model as text. */
export function looksBinary(sample: Buffer): boolean {
  if (sample.includes(0)) return true;
  try {
    // `stream: true` tolerates a multi-byte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return false;
  } catch {
    return true;
  }
}

export async function readHead(file: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A message for the model: ToolInputErrors as they are, fs errors by their meaning and the path it asked for. */
export function describeError(err: unknown, shownPath?: string): string {
  if (err instanceof ToolInputError) return err.message;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const where = shownPath ? `: ${shownPath}` : '';
  switch (code) {
    case 'ENOENT':
      return `no such file or directory${where}`;
    case 'EISDIR':
      return `is a directory${where}`;
    case 'ENOTDIR':
      return `not a directory${where}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied${where}`;
    case 'EEXIST':
      return `already exists${where}`;
    case 'ENOSPC':
      return `no space left on device${where}`;
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The part of the output cap a tool may fill with content, leaving room for its closing notes
 * ("[truncated …]", exit codes) so the registry's backstop cap never cuts those off.
 */
export function contentBudget(capBytes: number): number {
  return Math.max(0, capBytes - Math.min(512, Math.floor(capBytes / 4)));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
