/** EchoHelix's wire shapes for backends, token usage and daily quotas. */
import { z } from 'zod';
import type * as models from '@/server/core/models';
import type * as usage from '@/server/core/usage';
import { isoTime } from '../../schemas';
import { backendOfProvider, providerOfBackend } from './backends';
import { parseGoDuration } from './go-duration';
import { EVENT_V2_TYPES } from './runs';

// ---- Backends ------------------------------------------------------------------------------------

const SCHEMA_VERSIONS = ['v1', 'v2'] as const;
const COMPAT_FIELDS = ['text', 'status', 'is_error'] as const;

export const echohelixBackend = z.object({
  name: z.string(),
  health: z.object({ ok: z.boolean(), message: z.string() }),
  capabilities: z.object({
    backend: z.string(),
    event_types: z.array(z.string()),
    supports_cancel: z.boolean(),
    supports_pty: z.boolean(),
    schema_versions: z.array(z.string()),
    preferred_schema_version: z.string(),
    compat_fields: z.array(z.string()),
  }),
  /** Empty: capabilities are known for every backend this server runs. */
  capabilities_error: z.string(),
});

export function toEchohelixBackend(b: models.BackendStatus): z.input<typeof echohelixBackend> {
  const name = backendOfProvider(b.provider);
  return {
    name,
    health: b.health,
    capabilities: {
      backend: name,
      event_types: [...EVENT_V2_TYPES],
      // Every backend's call ends on abort: HTTP requests are aborted, CLI process groups killed.
      supports_cancel: true,
      // CLI agents run with pipes, never a terminal.
      supports_pty: false,
      schema_versions: [...SCHEMA_VERSIONS],
      preferred_schema_version: 'v2',
      compat_fields: [...COMPAT_FIELDS],
    },
    capabilities_error: '',
  };
}

// ---- Token usage ---------------------------------------------------------------------------------

/** `window`'s default, as the original: the last 24 hours. */
const DEFAULT_WINDOW_MS = 24 * 3_600_000;

/** RFC 3339 with seconds and an offset, as Go's time.RFC3339 parses it (`2026-03-01T12:00:00Z`). */
const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time, such as 2026-03-01T12:00:00Z' }).describe('RFC 3339 time');

/** A Go duration (`24h`, `90m`, `1h30m`, `1.5h`, `300ms`), in milliseconds; positive. */
const goDuration = z
  .string()
  .max(64)
  .describe('Go duration, such as 24h, 90m or 1h30m')
  .transform((text, ctx) => {
    const parsed = parseGoDuration(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    else if (parsed.ms <= 0) ctx.addIssue({ code: 'custom', message: `must be a positive duration, got "${text}"` });
    return parsed.ok ? parsed.ms : 0;
  });

export const tokenUsageQuery = z.object({
  /** How far back from `to` the window starts; ignored when `from` is given. Default 24h. */
  window: goDuration.optional(),
  /** Window start, RFC 3339; overrides `window`. */
  from: rfc3339.optional(),
  /** Window end, RFC 3339; default: now. */
  to: rfc3339.optional(),
  /** Only this backend (EchoHelix name: `claude`, `codex`, `gemini`, or another provider's own). */
  backend: z.string().min(1).max(100).optional(),
});
type TokenUsageQuery = z.output<typeof tokenUsageQuery>;

/** The core's window and filter for a query: `from` wins over `window`, `to` defaults to now. */
export function usageWindowOf(query: TokenUsageQuery, now = new Date()): usage.TokenUsageInput {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - (query.window ?? DEFAULT_WINDOW_MS));
  return { from, to, provider: query.backend === undefined ? undefined : providerOfBackend(query.backend) };
}

const totals = z.object({ run_count: z.number().int(), input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() });

export const echohelixTokenUsage = z.object({
  from: isoTime,
  to: isoTime,
  totals,
  by_backend: z.array(totals.extend({ backend: z.string() })),
});

/**
 * `run_count` is the core's unit-of-work count: a run once however many model calls it made, a
 * session turn once (it is what one submission to a session starts), a call outside both once.
 * `from` and `to` are echoed as the client sent them; computed ones are UTC.
 */
export function toEchohelixTokenUsage(report: usage.TokenUsage, query: TokenUsageQuery): z.input<typeof echohelixTokenUsage> {
  const wire = ({ work_count, ...tokens }: usage.TokenTotals) => ({ run_count: work_count, ...tokens });
  return {
    from: query.from ?? report.from.toISOString(),
    to: query.to ?? report.to.toISOString(),
    totals: wire(report.totals),
    by_backend: report.by_provider.map(({ provider, ...rest }) => ({ backend: backendOfProvider(provider), ...wire(rest) })),
  };
}

// ---- Daily quotas --------------------------------------------------------------------------------

export const quotaQuery = z.object({ backend: z.string().min(1).max(100).optional() });

export const echohelixQuotaList = z.object({
  items: z.array(
    z.object({
      backend: z.string(),
      window_from: isoTime,
      window_to: isoTime,
      configured: z.boolean(),
      /** 0 when not configured, like remaining_tokens. */
      quota_tokens: z.number().int(),
      used_tokens: z.number().int(),
      remaining_tokens: z.number().int(),
      exceeded: z.boolean(),
    }),
  ),
});

export function toEchohelixQuotaList(report: { items: usage.QuotaItem[] }): z.input<typeof echohelixQuotaList> {
  return {
    items: report.items.map((q) => ({
      backend: backendOfProvider(q.provider),
      window_from: q.window_from.toISOString(),
      window_to: q.window_to.toISOString(),
      configured: q.limit_tokens !== null,
      quota_tokens: q.limit_tokens ?? 0,
      used_tokens: q.used_tokens,
      remaining_tokens: q.remaining_tokens ?? 0,
      exceeded: q.exceeded,
    })),
  };
}
