/** The session use cases. */
export { addAttachment } from './add-attachment';
export { cancelTurn } from './cancel-turn';
export { createSession } from './create-session';
export { findSessionRow, getSession, listSessions } from './get-session';
export { postMessage } from './post-message';
export { retryTurn } from './retry-turn';
export { setMode } from './set-mode';
export { steerTurn } from './steer-turn';
