/** The model catalogue and the model policy, for transports to call as `models.<useCase>(deps, principal, input)`. */
export { listBackends, type BackendStatus } from './list-backends';
export { listModels } from './list-models';
export { getModelPolicy, modelPolicyPatchSchema, modelPolicySchema, updateModelPolicy, type ModelPolicy, type ModelPolicyPatch } from './model-policy';
export { modelDtoSchema, modelListSchema, type ModelDto, type ModelList } from './model-dto';
export { modelOfProvider } from './model-of-provider';
