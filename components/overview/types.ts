import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;

/** What `overview.get` answers: everything the overview page shows, in one read. */
export type Overview = Outputs['overview']['get'];
export type OverviewRun = NonNullable<Overview['runs']>['items'][number];
export type OverviewSession = NonNullable<Overview['sessions']>['items'][number];
export type OverviewFailure = Overview['failures'][number];
export type OverviewUsage = NonNullable<Overview['usage_today']>;
export type OverviewBackend = NonNullable<Overview['backends']>[number];
export type EmergencyState = Outputs['emergency']['status'];
