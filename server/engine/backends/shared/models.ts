/**
 * Model metadata the backends report: display names, capabilities and list prices. Prices are USD
 * per million tokens from the providers' public price lists; a model not listed here costs 0 (local
 * models, aliases whose price we cannot know, CLI agents billed by their own accounts).
 */
import type { ModelInfo } from '../types';

type Pricing = ModelInfo['pricing'];

const PRICING: Record<string, Pricing> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
};

const FREE: Pricing = { inputPerMTok: 0, outputPerMTok: 0 };

/**
 * Strips the snapshot suffixes providers append (`gpt-4o-mini-2024-07-18`,
 * `claude-sonnet-4-5-20250929`, `…-latest`) so a pinned snapshot is priced like its family.
 */
export function baseModelName(model: string): string {
  return model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, '');
}

export function pricingFor(model: string): Pricing {
  return { ...(PRICING[baseModelName(model)] ?? FREE) };
}

/** Whether a hosted model accepts images; unknown (often local) models are assumed not to. */
export function visionFor(model: string): boolean {
  const name = baseModelName(model);
  return /^(gpt-4o|gpt-4\.1|gpt-5|o1|o3|o4|claude-)/.test(name) && !/^o1-mini|^o3-mini/.test(name);
}

export function modelInfo(
  provider: string,
  model: string,
  opts: { displayName?: string; tools?: boolean; vision?: boolean; pricing?: Pricing } = {},
): ModelInfo {
  return {
    ref: `${provider}:${model}`,
    provider,
    model,
    displayName: opts.displayName ?? `${provider} ${model}`,
    capabilities: { tools: opts.tools ?? true, vision: opts.vision ?? visionFor(model), streaming: true },
    pricing: opts.pricing ?? pricingFor(model),
  };
}
