import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { z } from 'zod';
import type { Tool } from './types';
import { contentBudget, describeError, looksBinary, readHead } from './shared';
import { resolveInWorkspace, ToolInputError } from './workspace-path';

export const DEFAULT_READ_LIMIT = 2000;
/** Minified bundles have megabyte lines; one of them would eat the whole output budget. */
export const MAX_LINE_CHARS = 2000;

const input = z.object({
  path: z.string().describe('File to read, relative to the workspace root.'),
  offset: z.number().int().min(1).optional().describe('1-based line number to start at (default 1).'),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Maximum number of lines to return (default ${DEFAULT_READ_LIMIT}).`),
});
export type ReadFileInput = z.infer<typeof input>;

export const readFileTool: Tool<ReadFileInput> = {
  name: 'read_file',
  description:
    'Read a text file in the workspace. Each returned line is prefixed with its line number and a tab ' +
    '(the prefix is not part of the file). Use offset/limit to page through long files. Binary files are refused.',
  category: 'read',
  input,
  summarize: (i) => {
    if (i.offset === undefined && i.limit === undefined) return `read ${i.path}`;
    const from = i.offset ?? 1;
    return `read ${i.path} (lines ${from}–${i.limit === undefined ? 'end' : from + i.limit - 1})`;
  },
  async run(i, ctx) {
    const file = await resolveInWorkspace(ctx.workspacePath, i.path);
    const st = await fs.stat(file);
    if (st.isDirectory()) throw new ToolInputError(`${i.path} is a directory; use list_files to see what it contains`);
    if (!st.isFile()) throw new ToolInputError(`${i.path} is not a regular file`);
    if (st.size === 0) return { output: '(empty file)', isError: false };
    try {
      if (looksBinary(await readHead(file))) {
        return { output: `${i.path} looks like a binary file (or is not UTF-8 text); not shown`, isError: true };
      }
    } catch (err) {
      return { output: describeError(err, i.path), isError: true };
    }

    const offset = i.offset ?? 1;
    const limit = i.limit ?? DEFAULT_READ_LIMIT;
    const lines: string[] = [];
    let bytes = 0;
    let lineNo = 0;
    let stoppedBy: 'limit' | 'cap' | undefined;
    let nextOffset = 0;

    // Stream rather than read whole: a page from the middle of a huge log should not load all of it.
    const stream = createReadStream(file, { encoding: 'utf8' });
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const raw of rl) {
        if (ctx.signal.aborted) return { output: 'aborted', isError: true };
        lineNo++;
        if (lineNo < offset) continue;
        if (lines.length >= limit) {
          stoppedBy = 'limit';
          nextOffset = lineNo;
          break;
        }
        const text = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)} … [line truncated]` : raw;
        const formatted = `${String(lineNo).padStart(6)}\t${text}`;
        const size = Buffer.byteLength(formatted, 'utf8') + 1;
        if (bytes + size > contentBudget(ctx.outputCapBytes) && lines.length > 0) {
          stoppedBy = 'cap';
          nextOffset = lineNo;
          break;
        }
        lines.push(formatted);
        bytes += size;
      }
    } finally {
      rl.close();
      stream.destroy();
    }

    if (lines.length === 0) {
      return { output: `(the file has ${lineNo} lines; offset ${offset} is past the end)`, isError: false };
    }
    let output = lines.join('\n');
    if (stoppedBy === 'limit') output += `\n[more lines follow; continue with offset=${nextOffset}]`;
    if (stoppedBy === 'cap') output += `\n[output truncated at the size limit; continue with offset=${nextOffset}]`;
    return { output, isError: false };
  },
};
