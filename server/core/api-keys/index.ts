/** The API-key use cases, for transports to call as `apiKeys.<useCase>(deps, principal, input)`. */
export { apiKeySchema, createdApiKeySchema, type ApiKeyDto, type CreatedApiKey } from './api-key-dto';
export { createApiKey, type ApiKeyKind, type CreateApiKeyInput } from './create-api-key';
export { deleteApiKey, type DeleteApiKeyInput } from './delete-api-key';
export { listApiKeys, type ListApiKeysInput } from './list-api-keys';
