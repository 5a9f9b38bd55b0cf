import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { contentBudget } from './shared';
import type { Tool } from './types';
import { resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

export const MAX_LIST_ENTRIES = 1000;
export const DEFAULT_LIST_DEPTH = 5;
/** Directories a recursive listing names but does not descend into: large and rarely what is wanted. */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

const input = z.object({
  path: z.string().default('.').describe('Directory to list, relative to the workspace root (default ".").'),
  recursive: z.boolean().optional().describe('List subdirectories too (default false).'),
  max_depth: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe(`How many directory levels to descend when recursive (default ${DEFAULT_LIST_DEPTH}).`),
});
export type ListFilesInput = z.infer<typeof input>;

function describeEntry(entry: Dirent, rel: string): string {
  if (entry.isDirectory()) return `${rel}/`;
  if (entry.isSymbolicLink()) return `${rel}@`;
  return rel;
}

export const listFilesTool: Tool<ListFilesInput> = {
  name: 'list_files',
  description:
    'List a directory in the workspace. Paths are workspace-relative; directories end with "/", symbolic links ' +
    `with "@". With recursive, subdirectories are listed too (up to max_depth levels, at most ${MAX_LIST_ENTRIES} ` +
    'entries); .git and node_modules are shown but not expanded.',
  category: 'read',
  input,
  summarize: (i) => `list ${i.path}${i.recursive ? ' (recursive)' : ''}`,
  async run(i, ctx) {
    const dir = await resolveInWorkspace(ctx.workspacePath, i.path);
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new ToolInputError(`${i.path} is not a directory; use read_file to read a file`);
    const root = await fs.realpath(ctx.workspacePath);
    const maxDepth = i.recursive ? (i.max_depth ?? DEFAULT_LIST_DEPTH) : 1;

    const lines: string[] = [];
    let bytes = 0;
    let truncated = false;
    const unreadable: string[] = [];

    // Depth-first in name order, so a subtree's entries follow its directory like `find` prints them.
    const walk = async (abs: string, depth: number): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(abs, { withFileTypes: true });
      } catch {
        unreadable.push(toWorkspaceRelative(root, abs));
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (truncated || ctx.signal.aborted) return;
        const full = path.join(abs, entry.name);
        const skipped = i.recursive && entry.isDirectory() && SKIPPED_DIRS.has(entry.name);
        const line = describeEntry(entry, toWorkspaceRelative(root, full)) + (skipped ? ' (not expanded)' : '');
        bytes += Buffer.byteLength(line, 'utf8') + 1;
        if (lines.length >= MAX_LIST_ENTRIES || bytes > contentBudget(ctx.outputCapBytes)) {
          truncated = true;
          return;
        }
        lines.push(line);
        // Symlinked directories are not followed: they may lead outside or loop.
        if (entry.isDirectory() && !skipped && depth < maxDepth) await walk(full, depth + 1);
      }
    };
    await walk(dir, 1);

    if (ctx.signal.aborted) return { output: 'aborted', isError: true };
    if (lines.length === 0 && unreadable.length) return { output: `cannot read directory ${i.path}`, isError: true };
    let output = lines.length ? lines.join('\n') : '(empty directory)';
    if (truncated) output += `\n[listing truncated after ${lines.length} entries; list a subdirectory or lower max_depth]`;
    if (unreadable.length) output += `\n[could not read: ${unreadable.join(', ')}]`;
    return { output, isError: false };
  },
};
