/**
 * The vocabulary of requests an interactive backend sends during a turn (Codex app-server's
 * server → client requests), shared by the engine that receives them and the use cases that list
 * and resolve them. Plain constants and functions only.
 */
export const SESSION_REQUEST_KINDS = ['approval', 'request_user_input', 'dynamic_tool', 'unsupported'] as const;
export type SessionRequestKind = (typeof SESSION_REQUEST_KINDS)[number];

export const COMMAND_APPROVAL_METHOD = 'item/commandExecution/requestApproval';
export const FILE_CHANGE_APPROVAL_METHOD = 'item/fileChange/requestApproval';
export const PERMISSIONS_APPROVAL_METHOD = 'item/permissions/requestApproval';

/** Codex's approval requests (v2 names, and the v1 ones older versions send) and the tool category each stands for. */
const APPROVAL_CATEGORY: Readonly<Record<string, 'bash' | 'write'>> = {
  [COMMAND_APPROVAL_METHOD]: 'bash',
  [FILE_CHANGE_APPROVAL_METHOD]: 'write',
  execCommandApproval: 'bash',
  applyPatchApproval: 'write',
};

const KIND_OF_METHOD: Readonly<Record<string, SessionRequestKind>> = {
  'item/tool/requestUserInput': 'request_user_input',
  'item/tool/call': 'dynamic_tool',
};

export function requestKindOf(method: string): SessionRequestKind {
  return APPROVAL_CATEGORY[method] ? 'approval' : (KIND_OF_METHOD[method] ?? 'unsupported');
}

/** The tool category (policy key) an approval request stands for. */
export function approvalCategoryOf(method: string): 'bash' | 'write' | undefined {
  return APPROVAL_CATEGORY[method];
}

/** How a core approval of a tool category is presented as a Codex-style approval request. */
export function approvalMethodOf(category: string): string {
  if (category === 'bash') return COMMAND_APPROVAL_METHOD;
  if (category === 'write') return FILE_CHANGE_APPROVAL_METHOD;
  return PERMISSIONS_APPROVAL_METHOD;
}

/** EchoHelix's `{decision, for_session}` as Codex's approval answer. */
export function approvalAnswer(accept: boolean, forSession = false): { decision: 'accept' | 'acceptForSession' | 'decline' } {
  return { decision: accept ? (forSession ? 'acceptForSession' : 'accept') : 'decline' };
}

/** Decisions that let the action go ahead (Codex's, including its policy-amendment objects). */
const ACCEPTING = new Set(['accept', 'acceptForSession', 'acceptWithExecpolicyAmendment', 'applyNetworkPolicyAmendment', 'approved', 'approved_for_session']);

/** Whether an answer to an approval request accepts it; anything else (decline, cancel, an error, nothing) declines. */
export function answerAccepts(result: unknown): boolean {
  if (!result || typeof result !== 'object') return false;
  const decision = (result as { decision?: unknown }).decision;
  if (typeof decision === 'string') return ACCEPTING.has(decision);
  return !!decision && typeof decision === 'object' && Object.keys(decision).some((k) => ACCEPTING.has(k));
}
