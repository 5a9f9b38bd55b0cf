/** The usage ledger's use cases, for transports to call as `usage.<useCase>(deps, principal, input)`. */
export { usageSummary, type UsageWindow } from './usage-summary';
export { usageRowSchema, usageSummarySchema, usageTotalsSchema, type UsageRow, type UsageSummary, type UsageTotals } from './usage-dto';
