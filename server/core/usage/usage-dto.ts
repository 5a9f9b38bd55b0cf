/** The usage ledger summed up: calls, tokens and cost per provider and model, and in total. */
import { z } from 'zod';
import { isoTime } from '@/server/core/work/dto';

export const usageTotalsSchema = z.object({ calls: z.number(), input_tokens: z.number(), output_tokens: z.number(), cost_usd: z.number() });
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const usageRowSchema = usageTotalsSchema.extend({ provider: z.string(), model: z.string() });
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageSummarySchema = z.object({ from: isoTime, to: isoTime, rows: z.array(usageRowSchema), totals: usageTotalsSchema });
export type UsageSummary = z.infer<typeof usageSummarySchema>;
