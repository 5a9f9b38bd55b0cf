import { modelOfProvider } from '@/server/core/models';

/**
 * EchoHelix names backends `codex`, `claude` and `gemini`; Switchboard names providers. The three map
 * onto the CLI agents of the same kind; any other provider this server has (`scripted`, `openai`,
 * `anthropic`, …) is accepted under its own name, so an EchoHelix client can use every backend.
 */
const PROVIDER_OF_BACKEND: Readonly<Record<string, string>> = { claude: 'claude-code' };
const BACKEND_OF_PROVIDER: Readonly<Record<string, string>> = { 'claude-code': 'claude' };

/** The provider an EchoHelix backend name stands for. */
export const providerOfBackend = (backend: string): string => PROVIDER_OF_BACKEND[backend] ?? backend;

/** The EchoHelix backend name of a provider (or of a `provider:model` ref). */
export function backendOfProvider(providerOrRef: string): string {
  const provider = providerOrRef.split(':')[0]!;
  return BACKEND_OF_PROVIDER[provider] ?? provider;
}

/**
 * The model ref for work an EchoHelix client asks of a backend (and optionally a model): the core's
 * choice, with 400s that name the client's fields and its backend names.
 */
export function modelRefOf(deps: Parameters<typeof modelOfProvider>[0], backend: string, model: string | undefined, modelField = 'model'): string {
  return modelOfProvider(deps, { provider: providerOfBackend(backend), model }, { fields: { provider: 'backend', model: modelField }, nameOf: backendOfProvider });
}
