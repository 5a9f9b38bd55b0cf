/** The approval use cases. */
export { decideApproval } from './decide-approval';
export { listApprovals } from './list-approvals';
