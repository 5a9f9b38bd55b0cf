import { defineDialect } from '../endpoint';
import * as files from './files';
import * as health from './health';
import * as sessionRequests from './session-requests';

/** EchoHelix so far: liveness and files. */
export const echohelix = defineDialect('echohelix', [health, files, sessionRequests]);
