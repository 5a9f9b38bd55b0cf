/** The model catalogue as the API gives it: every model this server can run, and which is the default. */
import { z } from 'zod';
import type { Backend, ModelInfo } from '@/server/engine/backends/types';

export const modelDtoSchema = z.object({
  /** `provider:model`, what work names as its model. */
  ref: z.string(),
  provider: z.string(),
  model: z.string(),
  displayName: z.string(),
  /** `api` models answer over HTTP; `cli` ones are agent programs acting on the workspace themselves. */
  kind: z.enum(['api', 'cli']),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), streaming: z.boolean() }),
  /** USD per million tokens. */
  pricing: z.object({ inputPerMTok: z.number(), outputPerMTok: z.number() }),
  /** New work without a model (and no preferred model available) runs on this one. */
  isDefault: z.boolean(),
});
export type ModelDto = z.infer<typeof modelDtoSchema>;

export const modelListSchema = z.object({ defaultModel: z.string(), models: z.array(modelDtoSchema) });
export type ModelList = z.infer<typeof modelListSchema>;

export function toModelDto(m: ModelInfo, backend: Pick<Backend, 'kind'>, defaultRef: string): ModelDto {
  return {
    ref: m.ref,
    provider: m.provider,
    model: m.model,
    displayName: m.displayName,
    kind: backend.kind,
    capabilities: m.capabilities,
    pricing: m.pricing,
    isDefault: m.ref === defaultRef,
  };
}
