import { defineDialect } from '../endpoint';
import * as backends from './backends';
import * as devices from './devices';
import * as emergency from './emergency';
import * as files from './files';
import * as health from './health';
import * as pairing from './pairing';
import * as runs from './runs';
import * as sessionBackend from './session-backend';
import * as sessionRequests from './session-requests';
import * as sessions from './sessions';
import * as usage from './usage';

/**
 * EchoHelix, complete: liveness, pairing and devices, files, runs, interactive sessions with their
 * backend requests and approvals, backends, usage and the emergency stop.
 */
export const echohelix = defineDialect('echohelix', [
  health,
  pairing,
  devices,
  files,
  runs,
  sessions,
  sessionRequests,
  sessionBackend,
  backends,
  usage,
  emergency,
]);
