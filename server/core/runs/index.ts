/** The runs use cases, for transports to call as `runs.<useCase>(deps, principal, input)`. */
export { cancelRun } from './cancel-run';
export { createRun } from './create-run';
export { exportRun } from './export-run';
export { getRun, listRuns } from './get-run';
