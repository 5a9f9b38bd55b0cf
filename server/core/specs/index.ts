/** Spec generation, for transports to call as `specs.<useCase>(deps, principal, input)`. */
export { generateSpec, generatedSpecSchema, type GenerateSpecInput } from './generate-spec';
