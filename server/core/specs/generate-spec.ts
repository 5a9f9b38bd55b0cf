import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import { ownerOf } from '@/server/core/access/owner-scope';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { chooseModel } from '@/server/core/models/choose-model';
import { AppError, badRequest, conflict } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { recordUsage } from '@/server/core/usage/record-usage';
import { resolveInsideWorkspace, resolveWorkspace } from '@/server/core/workspaces/resolve-workspace';
import type { WorkDeps } from '@/server/core/work/deps';

const SYSTEM = 'You write implementation specs in Markdown: a goal, the constraints, and a checklist that says when the work is done. Answer with the spec only.';

/** Where the spec was written and what it says. */
export const generatedSpecSchema = z.object({ specPath: z.string(), content: z.string() });
export type GeneratedSpec = z.infer<typeof generatedSpecSchema>;

export interface GenerateSpecInput {
  workspacePath: string;
  specName: string;
  prompt: string;
  overwrite?: boolean;
}

/**
 * Writes `<workspace>/specs/<name>/spec.md` from a prompt, through the default model (one call, no
 * tools). An existing spec is never clobbered unless `overwrite` is true.
 */
export async function generateSpec(deps: WorkDeps, principal: Principal, input: GenerateSpecInput): Promise<GeneratedSpec> {
  if (!/^[A-Za-z0-9_-]+$/.test(input.specName ?? '')) throw badRequest('must match [A-Za-z0-9_-]+', 'spec_name');
  if (!input.prompt?.trim()) throw badRequest('is required', 'prompt');
  const workspace = await resolveWorkspace(deps.env, principal, input.workspacePath);
  // Confined by realpath: a repository may ship `specs` as a symlink to anywhere on the host.
  const target = await resolveInsideWorkspace(workspace, path.join('specs', input.specName, 'spec.md'), 'spec_name', { mustExist: false });
  const exists = await fs.stat(target).then(() => true, () => false);
  if (exists && !input.overwrite) throw conflict('spec already exists', 'SPEC_EXISTS');

  const ref = await chooseModel(deps, undefined);
  const { backend, model } = deps.backends.resolve(ref);
  await assertWithinQuota(deps, backend.provider);
  let content = '';
  let usage = { inputTokens: 0, outputTokens: 0 };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5 * 60_000);
  try {
    for await (const ev of backend.call({ model, system: SYSTEM, messages: [{ role: 'user', content: [{ type: 'text', text: input.prompt }] }], tools: [], workspacePath: workspace, signal: controller.signal })) {
      if (ev.type === 'text_delta') content += ev.text;
      else if (ev.type === 'usage') usage = { inputTokens: usage.inputTokens + ev.inputTokens, outputTokens: usage.outputTokens + ev.outputTokens };
      else if (ev.type === 'error') throw new AppError('BAD_GATEWAY', `the model failed: ${ev.message}`, { code: 'MODEL_ERROR' });
    }
  } finally {
    clearTimeout(timer);
  }
  if (!content.trim()) throw new AppError('BAD_GATEWAY', 'the model returned no text', { code: 'MODEL_ERROR' });
  if (!content.endsWith('\n')) content += '\n';
  // Again after the model call, which took a while: the workspace may have changed meanwhile.
  await resolveInsideWorkspace(workspace, target, 'spec_name', { mustExist: false });
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, content, { flag: input.overwrite ? 'w' : 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw conflict('spec already exists', 'SPEC_EXISTS');
    throw err;
  });
  if (usage.inputTokens || usage.outputTokens) {
    const pricing = backend.models().find((m) => m.model === model)?.pricing ?? { inputPerMTok: 0, outputPerMTok: 0 };
    await inTransaction(deps, (tx) => recordUsage(tx, { stepId: newId('spec'), provider: backend.provider, model, ...usage, pricing, principalId: principal.id, ownerId: ownerOf(principal) }));
  }
  return { specPath: target, content };
}
