import { router } from '@/server/api/trpc';
import {
  approveRunStepProcedure,
  cancelRunProcedure,
  createRunProcedure,
  exportRunProcedure,
  getRunProcedure,
  listRunsProcedure,
  runEventsProcedure,
} from './runs';
import {
  approveToolCallProcedure,
  attachmentProcedure,
  cancelSessionTurnProcedure,
  createSessionProcedure,
  getSessionProcedure,
  listSessionsProcedure,
  postMessageProcedure,
  retryTurnProcedure,
  sessionEventsProcedure,
  setModeProcedure,
} from './sessions';
import { generateSpecProcedure, getModelPolicyProcedure, listModelsProcedure, setModelPolicyProcedure } from './specs-models';

/** agentd, complete: runs, chat sessions, specs and the model policy. `GET /` is the dashboard. */
export const agentdRouter = router({
  createRun: createRunProcedure,
  listRuns: listRunsProcedure,
  getRun: getRunProcedure,
  runEvents: runEventsProcedure,
  approveRunStep: approveRunStepProcedure,
  cancelRun: cancelRunProcedure,
  exportRun: exportRunProcedure,
  createSession: createSessionProcedure,
  listSessions: listSessionsProcedure,
  getSession: getSessionProcedure,
  postMessage: postMessageProcedure,
  sessionEvents: sessionEventsProcedure,
  setMode: setModeProcedure,
  approveToolCall: approveToolCallProcedure,
  cancelTurn: cancelSessionTurnProcedure,
  retryTurn: retryTurnProcedure,
  attachment: attachmentProcedure,
  generateSpec: generateSpecProcedure,
  listModels: listModelsProcedure,
  getModelPolicy: getModelPolicyProcedure,
  setModelPolicy: setModelPolicyProcedure,
});
