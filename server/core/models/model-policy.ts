import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { setting } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';

export const modelPolicySchema = z.object({
  require_tools: z.boolean(),
  require_vision: z.boolean(),
  /** Most a single run or session may spend; null for no limit. */
  max_cost_usd: z.number().nonnegative().nullable(),
  /** `provider:model` refs in order of preference; the first one available is used. */
  preferred_models: z.array(z.string().regex(/^[\w.-]+:[\w.:/@-]+$/, 'must be provider:model')),
});

export type ModelPolicy = z.infer<typeof modelPolicySchema>;

/** Any subset of the policy's fields; the rest keep their stored values. */
export const modelPolicyPatchSchema = modelPolicySchema.partial();
export type ModelPolicyPatch = z.infer<typeof modelPolicyPatchSchema>;

export const DEFAULT_MODEL_POLICY: ModelPolicy = { require_tools: false, require_vision: false, max_cost_usd: null, preferred_models: [] };

const KEY = 'model_policy';

/** A stored value that no longer parses (an older shape, a hand edit) reads as the default. */
function parseStored(value: unknown): ModelPolicy {
  const parsed = modelPolicySchema.safeParse(value);
  return parsed.success ? parsed.data : { ...DEFAULT_MODEL_POLICY };
}

/** The stored policy, for the engine and the model choice. */
export async function readModelPolicy(db: Db): Promise<ModelPolicy> {
  const [row] = await db.select({ value: setting.value }).from(setting).where(eq(setting.key, KEY)).limit(1);
  return parseStored(row?.value);
}

export function getModelPolicy(deps: WorkDeps, _principal: Principal, _input: Record<string, never> = {}): Promise<ModelPolicy> {
  return readModelPolicy(deps.db);
}

/**
 * Merges the patch into the stored policy in one statement (jsonb `||` on the row itself), so two
 * concurrent updates of different fields both land: no read-modify-write window.
 */
export async function updateModelPolicy(deps: WorkDeps, _principal: Principal, patch: ModelPolicyPatch): Promise<ModelPolicy> {
  const parsed = modelPolicyPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(issue.message, issue.path.join('.') || undefined);
  }
  const changes = JSON.stringify(parsed.data);
  const defaults = JSON.stringify(DEFAULT_MODEL_POLICY);
  // A stored value that is not an object (never written by this code) is replaced, not merged into.
  const current = sql`case when jsonb_typeof(${setting.value}) = 'object' then ${setting.value} else '{}'::jsonb end`;
  const [row] = await deps.db
    .insert(setting)
    .values({ key: KEY, value: sql`${defaults}::jsonb || ${changes}::jsonb` })
    .onConflictDoUpdate({ target: setting.key, set: { value: sql`${defaults}::jsonb || ${current} || ${changes}::jsonb`, updatedAt: new Date() } })
    .returning({ value: setting.value });
  return parseStored(row?.value);
}
