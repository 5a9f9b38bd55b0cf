/** The approval use cases, for transports to call as `approvals.<useCase>(deps, principal, input)`. */
export { decideApproval, type ApprovalTarget, type DecideApprovalInput } from './decide-approval';
export { listApprovals } from './list-approvals';
export { approvalDecisionDtoSchema, approvalDtoSchema, type ApprovalDecisionDto, type ApprovalDto } from './approval-dto';
