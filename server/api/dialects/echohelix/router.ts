import { defineDialect } from '../endpoint';
import * as files from './files';
import * as health from './health';
import * as runs from './runs';
import * as sessionBackend from './session-backend';
import * as sessions from './sessions';

/** EchoHelix so far: liveness, files, runs, interactive sessions. */
export const echohelix = defineDialect('echohelix', [health, files, runs, sessions, sessionBackend]);
