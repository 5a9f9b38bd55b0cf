import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { setting } from '@/db/schema';

export const modelPolicySchema = z.object({
  require_tools: z.boolean(),
  require_vision: z.boolean(),
  /** Most a single run or session may spend; null for no limit. */
  max_cost_usd: z.number().nonnegative().nullable(),
  /** `provider:model` refs in order of preference; the first one available is used. */
  preferred_models: z.array(z.string().regex(/^[\w.-]+:[\w.:/@-]+$/, 'must be provider:model')),
});

export type ModelPolicy = z.infer<typeof modelPolicySchema>;

export const DEFAULT_MODEL_POLICY: ModelPolicy = { require_tools: false, require_vision: false, max_cost_usd: null, preferred_models: [] };

const KEY = 'model_policy';

export async function getModelPolicy(db: Db): Promise<ModelPolicy> {
  const [row] = await db.select().from(setting).where(eq(setting.key, KEY)).limit(1);
  const parsed = modelPolicySchema.safeParse(row?.value);
  return parsed.success ? parsed.data : { ...DEFAULT_MODEL_POLICY };
}

export async function setModelPolicy(db: Db, policy: ModelPolicy): Promise<ModelPolicy> {
  await db
    .insert(setting)
    .values({ key: KEY, value: policy })
    .onConflictDoUpdate({ target: setting.key, set: { value: policy, updatedAt: new Date() } });
  return policy;
}
