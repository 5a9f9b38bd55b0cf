/**
 * The workspace picker: the principal's roots, recently used workspaces and the folders under a
 * root. Held to the scope that creating a run needs, since that is what a workspace is picked for.
 */
import { z } from 'zod';
import * as workspaces from '@/server/core/workspaces';
import { router, scopedProcedure } from '@/server/api/trpc';

export const workspacesRouter = router({
  roots: scopedProcedure('runs:submit')
    .input(z.void())
    .output(workspaces.workspaceRootListSchema)
    .query(({ ctx }) => workspaces.listWorkspaceRoots(ctx.services, ctx.principal, {})),
  recent: scopedProcedure('runs:submit')
    .input(z.object({ limit: z.number().int().min(1).max(workspaces.RECENT_WORKSPACES_MAX).default(8) }).default({ limit: 8 }))
    .output(workspaces.recentWorkspaceListSchema)
    .query(({ ctx, input }) => workspaces.recentWorkspaces(ctx.services, ctx.principal, input)),
  browse: scopedProcedure('runs:submit')
    .input(z.object({ path: z.string().max(4096).optional(), showHidden: z.boolean().default(false) }).default({ showHidden: false }))
    .output(workspaces.workspaceListingSchema)
    .query(({ ctx, input }) => workspaces.browseWorkspace(ctx.services, ctx.principal, input)),
  createFolder: scopedProcedure('runs:submit')
    .input(z.object({ parent: z.string().min(1).max(4096), name: z.string().min(1).max(100) }))
    .output(workspaces.workspaceFolderSchema)
    .mutation(({ ctx, input }) => workspaces.createWorkspaceFolder(ctx.services, ctx.principal, input)),
});
