import { healthEndpoint } from '../shared/health';
import { autopackHealth, toAutopackHealth } from './shapes';

export const health = healthEndpoint({
  dialect: 'autopack',
  path: '/health',
  summary: 'Health with database and kill-switch state; 503 when unhealthy',
  output: autopackHealth,
  report: toAutopackHealth,
});
