/** The `apply_patch` tool: a unified diff applied to the workspace, all or nothing. */
import { z } from 'zod';
import { applyUnifiedDiff } from './patch/apply';
import { parseUnifiedDiff } from './patch/parse';
import type { Tool } from './types';

const input = z.object({
  patch: z
    .string()
    .min(1)
    .describe('A unified diff (as `git diff` prints it): ---/+++ file headers and @@ hunks; /dev/null for new or deleted files.'),
});
export type ApplyPatchInput = z.infer<typeof input>;

export const applyPatchTool: Tool<ApplyPatchInput> = {
  name: 'apply_patch',
  description:
    'Apply a unified diff to files in the workspace. Supports several files, new files (--- /dev/null) and ' +
    'deletions (+++ /dev/null). All or nothing: if any hunk does not match, no file is changed and the ' +
    'failing hunks are reported. Include about 3 lines of unchanged context around each change.',
  category: 'write',
  input,
  summarize: (i) => {
    try {
      const names = parseUnifiedDiff(i.patch).map((p) =>
        p.oldPath && p.newPath && p.oldPath !== p.newPath ? `${p.oldPath} → ${p.newPath}` : (p.newPath ?? p.oldPath),
      );
      return names.length ? `apply patch to ${names.join(', ')}` : 'apply patch (no file changes)';
    } catch {
      return 'apply patch (malformed)';
    }
  },
  async run(i, ctx) {
    const result = await applyUnifiedDiff(ctx.workspacePath, i.patch);
    const mark = { added: 'A', modified: 'M', deleted: 'D' } as const;
    const lines = result.files.map((f) => `${mark[f.action]} ${f.path}`);
    return {
      output: lines.length ? `patch applied:\n${lines.join('\n')}` : 'patch applied (no changes)',
      isError: false,
      changedFiles: result.changedFiles,
    };
  },
};
