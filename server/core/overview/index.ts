/** The overview read model, for transports to call as `overview.<useCase>(deps, principal, input)`. */
export { getOverview, OVERVIEW_LIMITS } from './get-overview';
export { getStreamPosition } from './stream-position';
export { overviewSchema, type Overview, type OverviewBackend, type OverviewFailure, type OverviewQuota, type OverviewRun, type OverviewSession } from './overview-dto';
