/**
 * Step numbers per run or turn. Two writers may add steps to the same work at once (the executor,
 * and a steer from a request), so the next number is taken under a row lock on the run or turn,
 * in the statement that inserts the step.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { run, step, turn } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';

export async function lockOwner(tx: Tx, owner: { kind: 'run' | 'turn'; id: string }): Promise<void> {
  const table = owner.kind === 'run' ? run : turn;
  await tx.select({ id: table.id }).from(table).where(eq(table.id, owner.id)).for('update');
}

export function nextStepIndex(ownerId: string): SQL<number> {
  return sql<number>`(select coalesce(max(${step.index}), -1) + 1 from ${step} where ${step.ownerId} = ${ownerId})`;
}
