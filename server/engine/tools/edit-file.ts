import fs from 'node:fs/promises';
import { z } from 'zod';
import type { Tool } from './types';
import { looksBinary, plural } from './shared';
import { resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

const input = z.object({
  path: z.string().describe('File to edit, relative to the workspace root.'),
  old_string: z.string().min(1).describe('Exact text to replace, including whitespace and indentation.'),
  new_string: z.string().describe('Text to put in its place.'),
  replace_all: z
    .boolean()
    .optional()
    .describe('Replace every occurrence; otherwise old_string must occur exactly once (default false).'),
});
export type EditFileInput = z.infer<typeof input>;

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export const editFileTool: Tool<EditFileInput> = {
  name: 'edit_file',
  description:
    'Replace text in an existing file. old_string must match the file exactly and occur exactly once ' +
    '(include enough surrounding lines to make it unique), unless replace_all is set.',
  category: 'write',
  input,
  summarize: (i) => `edit ${i.path}${i.replace_all ? ' (all occurrences)' : ''}`,
  async run(i, ctx) {
    if (i.old_string === i.new_string) throw new ToolInputError('old_string and new_string are identical; nothing to do');
    const file = await resolveInWorkspace(ctx.workspacePath, i.path);
    const st = await fs.stat(file);
    if (!st.isFile()) throw new ToolInputError(`${i.path} is not a regular file`);
    const buf = await fs.readFile(file);
    if (looksBinary(buf)) throw new ToolInputError(`${i.path} looks like a binary file (or is not UTF-8 text)`);
    const content = buf.toString('utf8');

    let oldString = i.old_string;
    let newString = i.new_string;
    let count = countOccurrences(content, oldString);
    // Models write "\n"; a CRLF file would never match, so retry in the file's own line endings.
    if (count === 0 && content.includes('\r\n') && oldString.includes('\n') && !oldString.includes('\r\n')) {
      oldString = oldString.replace(/\n/g, '\r\n');
      newString = newString.replace(/\r?\n/g, '\r\n');
      count = countOccurrences(content, oldString);
    }
    if (count === 0) throw new ToolInputError(`old_string was not found in ${i.path}; read the file and copy the text exactly`);
    if (count > 1 && !i.replace_all) {
      throw new ToolInputError(
        `old_string occurs ${count} times in ${i.path}; add surrounding context to make it unique, or set replace_all`,
      );
    }
    // split/join rather than String.replace, whose replacement string gives `$&` and friends meaning.
    const updated = i.replace_all
      ? content.split(oldString).join(newString)
      : (() => {
          const at = content.indexOf(oldString);
          return content.slice(0, at) + newString + content.slice(at + oldString.length);
        })();
    await fs.writeFile(file, updated, 'utf8');
    const rel = toWorkspaceRelative(await fs.realpath(ctx.workspacePath), file);
    return {
      output: `replaced ${plural(i.replace_all ? count : 1, 'occurrence')} in ${rel}`,
      isError: false,
      changedFiles: [rel],
    };
  },
};
