/** Server health, for transports to call as `health.checkHealth(deps)`. */
export { checkHealth, type HealthDeps, type HealthReport } from './check-health';
