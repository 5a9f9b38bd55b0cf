import { healthEndpoint } from '../shared/health';
import { everrunsHealth, toEverrunsHealth } from './shapes';

export const health = healthEndpoint({
  dialect: 'everruns',
  path: '/health',
  summary: 'Version, runner mode and auth mode',
  output: everrunsHealth,
  report: toEverrunsHealth,
});
