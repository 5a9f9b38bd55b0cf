import { defineDialect } from '../endpoint';
import * as runs from './runs';
import * as sessions from './sessions';
import * as specsModels from './specs-models';

/** agentd, complete: runs, chat sessions, specs and the model policy. `GET /` is the dashboard. */
export const agentd = defineDialect('agentd', [runs, sessions, specsModels]);
export const agentdRouter = agentd.router;
