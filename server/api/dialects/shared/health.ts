/**
 * Every dialect's health endpoint, declared once: it checks the server and answers the report in
 * the dialect's shape — with 503 and the same shape when the database is unreachable, because
 * health checkers read that body too.
 */
import type { z } from 'zod';
import * as health from '@/server/core/health';
import { AppError } from '@/server/core/shared/errors';
import { endpoint } from '../endpoint';

export function healthEndpoint<O extends z.ZodType>(def: {
  dialect: string;
  path: `/${string}`;
  summary: string;
  output: O;
  report: (report: health.HealthReport) => z.input<O>;
}) {
  return endpoint({
    dialect: def.dialect,
    method: 'GET',
    path: def.path,
    scope: 'public',
    summary: def.summary,
    output: def.output,
    handler: async ({ deps }) => {
      const report = await health.checkHealth(deps);
      const body = def.report(report);
      if (!report.databaseOk) throw new AppError('SERVICE_UNAVAILABLE', 'database unreachable', { body });
      return body;
    },
  });
}
