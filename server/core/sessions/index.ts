/** The session use cases, for transports to call as `sessions.<useCase>(deps, principal, input)`. */
export { addAttachment } from './add-attachment';
export { cancelTurn } from './cancel-turn';
export { closeSession } from './close-session';
export { createSession, type CreateSessionInput } from './create-session';
export { getSession, listSessionDetails } from './get-session';
export { listSessions, sessionListPageSchema, type ListSessionsInput, type SessionListPage } from './list-sessions';
export { postMessage } from './post-message';
export { retryTurn } from './retry-turn';
export { openSessionStream, readSessionEvents } from './session-events';
export { setMode } from './set-mode';
export { startTurn } from './start-turn';
export { steerTurn } from './steer-turn';
export {
  messageDtoSchema,
  messagePartSchema,
  postMessageResultSchema,
  sessionDetailDtoSchema,
  sessionDetailPageSchema,
  sessionDtoSchema,
  sessionPageSchema,
  turnDtoSchema,
  turnRefSchema,
  type MessageDto,
  type SessionDetailDto,
  type SessionDto,
  type TurnDto,
} from './session-dto';
export { listSessionRequests, type ApprovalRequestView, type ListSessionRequestsInput, type SessionRequestDto } from './list-session-requests';
export { resolveSessionRequest, type ResolveSessionRequestInput, type ResolveSessionRequestResult } from './resolve-session-request';
