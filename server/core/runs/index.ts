/** The runs use cases, for transports to call as `runs.<useCase>(deps, principal, input)`. */
export { cancelRun } from './cancel-run';
export { createRun, type CreateRunInput } from './create-run';
export { exportRun } from './export-run';
export { getRun } from './get-run';
export { listRuns, runListPageSchema, type ListRunsInput, type RunListPage } from './list-runs';
export { openRunStream, readRunEvents } from './run-events';
export { getRunUsage, runUsageSchema, type RunUsage } from './run-usage';
export { cancelRunResultSchema, runDtoSchema, runPageSchema, stepDtoSchema, type RunDto, type RunPage, type StepDto } from './run-dto';
export { runAttachmentSchema, type RunAttachment, type RunAttachmentRequest } from './run-attachments';
