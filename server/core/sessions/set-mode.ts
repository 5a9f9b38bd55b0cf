import { eq } from 'drizzle-orm';
import { agentSession, type SessionMode } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import type { WorkDeps } from '@/server/core/work/deps';
import { ensureSpecFile, parseSessionMode } from './create-session';
import { findSessionRow } from './find-session';

export interface SetModeInput {
  sessionId: string;
  /** `chat` or `spec`, as the caller spelled it (anything else is a 400 on `mode`). */
  mode: string;
  specPath?: string;
}

/** Switches between chat and spec mode; spec mode without a path drafts specs/session-<id>/spec.md. */
export async function setMode(deps: WorkDeps, principal: Principal, input: SetModeInput): Promise<{ mode: SessionMode; specPath: string | null }> {
  const { sessionId } = input;
  // The session first: another owner's session is not found, whatever else the request says.
  const s = await findSessionRow(deps.db, principal, sessionId);
  const mode = parseSessionMode(input.mode);
  const path = mode === 'spec' ? await ensureSpecFile(s.workspacePath, s.id, input.specPath ?? s.specPath ?? undefined, 'spec_path') : s.specPath;
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(agentSession).set({ mode, specPath: path, updatedAt: new Date() }).where(eq(agentSession.id, sessionId));
    await emit(sessionStream(sessionId), { type: 'session_mode_set', data: { mode, spec_path: path } });
  });
  return { mode, specPath: path };
}
