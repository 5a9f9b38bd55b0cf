import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Tool } from './types';
import { plural } from './shared';
import { resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

const input = z.object({
  path: z.string().describe('File to write, relative to the workspace root. Missing parent directories are created.'),
  content: z.string().describe('The complete new content of the file.'),
});
export type WriteFileInput = z.infer<typeof input>;

export const writeFileTool: Tool<WriteFileInput> = {
  name: 'write_file',
  description:
    'Create or overwrite a file in the workspace with the given content, creating parent directories as needed. ' +
    'Prefer edit_file or apply_patch for changing part of an existing file.',
  category: 'write',
  input,
  summarize: (i) => `write ${i.path} (${plural(Buffer.byteLength(i.content, 'utf8'), 'byte')})`,
  async run(i, ctx) {
    const file = await resolveInWorkspace(ctx.workspacePath, i.path, { forWrite: true });
    const root = await fs.realpath(ctx.workspacePath);
    if (file === root) throw new ToolInputError('cannot write to the workspace root itself');
    const existing = await fs.stat(file).catch(() => undefined);
    if (existing?.isDirectory()) throw new ToolInputError(`${i.path} is a directory`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, i.content, 'utf8');
    const rel = toWorkspaceRelative(root, file);
    const bytes = plural(Buffer.byteLength(i.content, 'utf8'), 'byte');
    return {
      output: `${existing ? 'overwrote' : 'created'} ${rel} (${bytes})`,
      isError: false,
      changedFiles: [rel],
    };
  },
};
