import { badRequest } from '@/server/core/shared/errors';
import type { BackendRegistry } from '@/server/engine/backends/registry';

/**
 * The model ref for work on a named provider (dialects that name a backend and, separately, a
 * model): `provider:model`, where the model defaults to the server's default when that is on this
 * provider, else the provider's first model. An unknown provider is a 400 naming the backend field;
 * a model the provider does not offer, a 400 naming the model field.
 */
export function modelOfProvider(
  deps: { backends: BackendRegistry },
  input: { provider: string; model?: string },
  opts: {
    fields?: { provider: string; model: string };
    /** How the caller's dialect names a provider, so a 400 speaks its language. */
    nameOf?: (provider: string) => string;
  } = {},
): string {
  const fields = opts.fields ?? { provider: 'backend', model: 'model' };
  const nameOf = opts.nameOf ?? ((provider: string) => provider);
  const backend = deps.backends.get(input.provider);
  if (!backend) {
    const known = deps.backends.list().map((b) => nameOf(b.provider));
    throw badRequest(`unknown backend ${JSON.stringify(nameOf(input.provider))} (available: ${known.join(', ')})`, fields.provider);
  }
  const offered = backend.models();
  if (input.model) {
    const found = offered.find((m) => m.model === input.model || m.ref === input.model);
    if (!found) throw badRequest(`${nameOf(input.provider)} offers ${offered.map((m) => m.model).join(', ')}`, fields.model);
    return found.ref;
  }
  const serverDefault = deps.backends.defaultModelRef();
  const chosen = offered.find((m) => m.ref === serverDefault) ?? offered[0];
  if (!chosen) throw badRequest(`backend ${nameOf(input.provider)} offers no model`, fields.provider);
  return chosen.ref;
}
