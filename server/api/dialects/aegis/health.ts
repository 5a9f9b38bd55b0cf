import { healthEndpoint } from '../shared/health';
import { aegisHealth, toAegisHealth } from './shapes';

export const health = healthEndpoint({
  dialect: 'aegis',
  path: '/v1/health',
  summary: 'Server health',
  output: aegisHealth,
  report: toAegisHealth,
});
