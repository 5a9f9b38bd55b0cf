/**
 * Paths two dialects share, served once at the root with an input that accepts both documented
 * shapes and an output that carries both documents' fields. Under a dialect's own base path the
 * dialect's strict version answers instead.
 */
import { toAutopackHealth } from '../autopack/shapes';
import { toEverrunsHealthFields } from '../everruns/shapes';
import { authEndpoints } from './auth';
import { healthEndpoint } from './health';
import { rootHealth } from './shapes';

export const { register, login, me } = authEndpoints('shared', { tokenType: 'bearer' });

export const health = healthEndpoint({
  dialect: 'shared',
  path: '/health',
  summary: 'Health for Autopack and Everruns clients; 503 when the database is unreachable',
  output: rootHealth,
  report: (report) => ({ ...toAutopackHealth(report), ...toEverrunsHealthFields(report) }),
});
