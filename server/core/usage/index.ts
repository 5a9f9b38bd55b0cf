/** The usage ledger's use cases, for transports to call as `usage.<useCase>(deps, principal, input)`. */
export { usageSummary, type UsageWindow } from './usage-summary';
export { usageRowSchema, usageSummarySchema, usageTotalsSchema, type UsageRow, type UsageSummary, type UsageTotals } from './usage-dto';
export { usageReport, usageReportInputSchema, usageReportSchema, type UsageReport, type UsageReportInput, DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS } from './usage-report';
export { tokenUsage, type TokenTotals, type TokenUsage, type TokenUsageInput } from './token-usage';
export { quotaReport, type QuotaItem, type QuotaReportInput } from './quota-report';
