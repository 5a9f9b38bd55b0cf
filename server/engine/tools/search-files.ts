import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { compileGlob, MAX_GLOB_LENGTH } from './glob';
import type { Tool, ToolResult } from './types';
import { SKIPPED_DIRS } from './list-files';
import { capOutput, contentBudget, plural, SNIFF_BYTES } from './shared';
import { resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

export const MAX_SEARCH_MATCHES = 200;
export const MAX_SEARCH_FILES = 50_000;
export const MAX_SEARCH_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_MATCH_LINE_CHARS = 500;
export const DEFAULT_SEARCH_TIMEOUT_MS = 30_000;

const input = z.object({
  pattern: z.string().min(1).describe('JavaScript regular expression (or plain text with literal=true) matched against each line.'),
  literal: z.boolean().optional().describe('Treat pattern as plain text, not a regular expression (default false).'),
  ignore_case: z.boolean().optional().describe('Case-insensitive matching (default false).'),
  path: z.string().default('.').describe('File or directory to search, relative to the workspace root (default ".").'),
  include: z
    .string()
    .optional()
    .describe(`Only search files matching this glob, e.g. "*.ts", "src/**/*.{ts,tsx}". Without "/" it matches the file name. At most ${MAX_GLOB_LENGTH} characters.`),
});
export type SearchFilesInput = z.infer<typeof input>;

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface SearchFile {
  abs: string;
  rel: string;
}

interface WorkerReply {
  matches: string[];
  truncated: boolean;
  skippedBinary: number;
  skippedLarge: number;
  unreadable: number;
}

/*
 * The matching runs in a worker thread because the pattern comes from the model: a catastrophically
 * backtracking regex would otherwise freeze the server's event loop, and JavaScript regexes cannot
 * be interrupted from the same thread. Terminating the worker stops it mid-match. The source is a
 * plain CommonJS string so it runs the same under tsx, vitest and a build, with no file to resolve.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { files, source, flags, maxMatches, maxLineChars, maxFileBytes, sniffBytes } = workerData;
const re = new RegExp(source, flags);
const reply = { matches: [], truncated: false, skippedBinary: 0, skippedLarge: 0, unreadable: 0 };
const strict = new TextDecoder('utf-8', { fatal: true });
outer: for (const f of files) {
  let buf;
  try {
    if (fs.statSync(f.abs).size > maxFileBytes) { reply.skippedLarge++; continue; }
    buf = fs.readFileSync(f.abs);
  } catch { reply.unreadable++; continue; }
  const head = buf.subarray(0, sniffBytes);
  if (head.includes(0)) { reply.skippedBinary++; continue; }
  try { strict.decode(head, { stream: true }); } catch { reply.skippedBinary++; continue; }
  const lines = buf.toString('utf8').split(/\\r?\\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!re.test(line)) continue;
    if (reply.matches.length >= maxMatches) { reply.truncated = true; break outer; }
    const text = line.length > maxLineChars ? line.slice(0, maxLineChars) + ' …' : line;
    reply.matches.push(f.rel + ':' + (i + 1) + ': ' + text);
  }
}
parentPort.postMessage(reply);
`;

function runWorker(
  data: Record<string, unknown>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ reply?: WorkerReply; stopped?: 'timeout' | 'aborted' }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const stop = (why: 'timeout' | 'aborted') =>
      finish(() => {
        void worker.terminate();
        resolve({ stopped: why });
      });
    const onAbort = () => stop('aborted');
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: WorkerReply) =>
      finish(() => {
        void worker.terminate();
        resolve({ reply });
      }),
    );
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`search worker exited with code ${code}`))));
  });
}

async function collectFiles(
  root: string,
  start: string,
  include: ((subject: string) => boolean) | undefined,
  includeHasSlash: boolean,
  signal: AbortSignal,
): Promise<{ files: SearchFile[]; tooMany: boolean }> {
  const files: SearchFile[] = [];
  let tooMany = false;
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (tooMany || signal.aborted) return;
      const abs = path.join(dir, entry.name);
      // Symlinks are skipped: they may lead out of the workspace, and a target inside is searched where it lives.
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(abs);
        continue;
      }
      if (!entry.isFile()) continue;
      const rel = toWorkspaceRelative(root, abs);
      if (include) {
        const subject = includeHasSlash ? rel : entry.name;
        const fromStart = path.relative(start, abs).split(path.sep).join('/');
        if (!include(subject) && !(includeHasSlash && include(fromStart))) continue;
      }
      if (files.length >= MAX_SEARCH_FILES) {
        tooMany = true;
        return;
      }
      files.push({ abs, rel });
    }
  };
  await walk(start);
  return { files, tooMany };
}

export function createSearchFilesTool(options: { timeoutMs?: number } = {}): Tool<SearchFilesInput> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  return {
    name: 'search_files',
    description:
      'Search file contents in the workspace for a regular expression (or plain text with literal=true). ' +
      `Returns "file:line: text" lines, at most ${MAX_SEARCH_MATCHES} matches. Skips binary files, symbolic links, ` +
      '.git and node_modules. Use include to filter files by glob.',
    category: 'read',
    input,
    summarize: (i) =>
      `search ${JSON.stringify(i.pattern)} in ${i.path}${i.include ? ` (${i.include})` : ''}`,
    async run(i, ctx): Promise<ToolResult> {
      const source = i.literal ? escapeRegExp(i.pattern) : i.pattern;
      const flags = i.ignore_case ? 'i' : '';
      try {
        new RegExp(source, flags);
      } catch (err) {
        throw new ToolInputError(`invalid regular expression: ${(err as Error).message}`);
      }
      const include = i.include ? compileGlob(i.include) : undefined;
      const target = await resolveInWorkspace(ctx.workspacePath, i.path);
      const root = await fs.realpath(ctx.workspacePath);
      const st = await fs.stat(target);

      let files: SearchFile[];
      let tooMany = false;
      if (st.isFile()) {
        files = [{ abs: target, rel: toWorkspaceRelative(root, target) }];
      } else if (st.isDirectory()) {
        ({ files, tooMany } = await collectFiles(root, target, include, !!i.include?.includes('/'), ctx.signal));
      } else {
        throw new ToolInputError(`${i.path} is neither a file nor a directory`);
      }
      if (ctx.signal.aborted) return { output: 'aborted', isError: true };
      if (files.length === 0) return { output: 'no files to search (check path and include)', isError: false };

      const { reply, stopped } = await runWorker(
        {
          files,
          source,
          flags,
          maxMatches: MAX_SEARCH_MATCHES,
          maxLineChars: MAX_MATCH_LINE_CHARS,
          maxFileBytes: MAX_SEARCH_FILE_BYTES,
          sniffBytes: SNIFF_BYTES,
        },
        timeoutMs,
        ctx.signal,
      );
      if (stopped === 'aborted') return { output: 'aborted', isError: true };
      if (stopped === 'timeout' || !reply) {
        return {
          output: `search timed out after ${timeoutMs} ms (the pattern may backtrack badly; simplify it or narrow path/include)`,
          isError: true,
        };
      }

      const notes: string[] = [];
      if (reply.truncated) notes.push(`[stopped at ${MAX_SEARCH_MATCHES} matches; narrow the pattern, path or include]`);
      if (tooMany) notes.push(`[only the first ${MAX_SEARCH_FILES} files were searched]`);
      if (reply.skippedLarge) notes.push(`[skipped ${plural(reply.skippedLarge, 'file')} over ${MAX_SEARCH_FILE_BYTES} bytes]`);
      const body = reply.matches.length ? reply.matches.join('\n') : `no matches in ${plural(files.length, 'file')}`;
      // Notes go last but must survive the cap, so the cap applies to the matches alone.
      const noteText = notes.length ? `\n${notes.join('\n')}` : '';
      return { output: capOutput(body, Math.max(0, contentBudget(ctx.outputCapBytes) - Buffer.byteLength(noteText))) + noteText, isError: false };
    },
  };
}

export const searchFilesTool = createSearchFilesTool();
