/** The approval use cases, for transports to call as `approvals.<useCase>(deps, principal, input)`. */
export { decideApproval, type ApprovalTarget, type DecideApprovalInput } from './decide-approval';
export { listApprovals } from './list-approvals';
export { approvalDecisionDtoSchema, approvalDtoSchema, type ApprovalDecisionDto, type ApprovalDto } from './approval-dto';
export {
  approvalsPageSchema,
  approvalWithContextSchema,
  INBOX_STATES,
  listApprovalsWithContext,
  MAX_INBOX_PAGE,
  type ApprovalsPage,
  type ApprovalWithContext,
  type InboxState,
} from './list-approvals-with-context';
