/** The workspaces use cases, for transports to call as `workspaces.<useCase>(deps, principal, input)`. */
export { browseWorkspace, BROWSE_MAX_ENTRIES, createWorkspaceFolder, workspaceFolderSchema, workspaceListingSchema, type WorkspaceFolder, type WorkspaceListing } from './browse-workspace';
export { listWorkspaceRoots, workspaceRootListSchema, workspaceRootSchema, type WorkspaceRoot, type WorkspaceRootList } from './list-workspace-roots';
export { recentWorkspaces, recentWorkspaceListSchema, recentWorkspaceSchema, RECENT_WORKSPACES_MAX, type RecentWorkspace, type RecentWorkspaceList } from './recent-workspaces';
