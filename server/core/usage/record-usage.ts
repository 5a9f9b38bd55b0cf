import { usageRecord } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import { newId } from '@/server/core/shared/ids';

export interface UsageEntry {
  stepId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  pricing: { inputPerMTok: number; outputPerMTok: number };
  runId?: string;
  sessionId?: string;
  turnId?: string;
  principalId: string;
  /** The owner of the work that made the call. */
  ownerId: string;
}

export function costOf(entry: Pick<UsageEntry, 'inputTokens' | 'outputTokens' | 'pricing'>): number {
  return (entry.inputTokens * entry.pricing.inputPerMTok + entry.outputTokens * entry.pricing.outputPerMTok) / 1_000_000;
}

/** One ledger row per model call; the step id makes a replayed record a no-op. Returns the cost. */
export async function recordUsage(tx: Tx, entry: UsageEntry): Promise<number> {
  const cost = costOf(entry);
  await tx
    .insert(usageRecord)
    .values({
      id: newId('use'),
      stepId: entry.stepId,
      provider: entry.provider,
      model: entry.model,
      inputTokens: entry.inputTokens,
      outputTokens: entry.outputTokens,
      costUsd: cost,
      runId: entry.runId,
      sessionId: entry.sessionId,
      turnId: entry.turnId,
      principalId: entry.principalId,
      ownerId: entry.ownerId,
    })
    .onConflictDoNothing({ target: usageRecord.stepId });
  return cost;
}
