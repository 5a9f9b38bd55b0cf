import { defineDialect } from '../endpoint';
import * as devices from './devices';
import * as files from './files';
import * as health from './health';
import * as pairing from './pairing';
import * as runs from './runs';
import * as sessionBackend from './session-backend';
import * as sessions from './sessions';

/** EchoHelix so far: liveness, pairing and devices, files, runs, interactive sessions. */
export const echohelix = defineDialect('echohelix', [health, pairing, devices, files, runs, sessions, sessionBackend]);
