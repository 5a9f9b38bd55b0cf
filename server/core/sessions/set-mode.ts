import { eq } from 'drizzle-orm';
import { agentSession } from '@/db/schema';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { ensureSpecFile } from './create-session';
import { findSessionRow } from './get-session';

/** Switches between chat and spec mode; spec mode without a path drafts specs/session-<id>/spec.md. */
export async function setMode(deps: WorkDeps, sessionId: string, mode: string, specPath?: string): Promise<{ mode: 'chat' | 'spec'; specPath: string | null }> {
  if (mode !== 'chat' && mode !== 'spec') throw badRequest('must be chat or spec', 'mode');
  const s = await findSessionRow(deps.db, sessionId);
  const path = mode === 'spec' ? await ensureSpecFile(s.workspacePath, s.id, specPath ?? s.specPath ?? undefined, 'spec_path') : s.specPath;
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(agentSession).set({ mode, specPath: path, updatedAt: new Date() }).where(eq(agentSession.id, sessionId));
    await emit(sessionStream(sessionId), { type: 'session_mode_set', data: { mode, spec_path: path } });
  });
  return { mode, specPath: path };
}
