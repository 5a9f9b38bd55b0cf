import { defineDialect } from '../endpoint';
import * as backends from './backends';
import * as emergency from './emergency';
import * as files from './files';
import * as health from './health';
import * as usage from './usage';

/** EchoHelix so far: liveness, files, backends, usage and quotas, the emergency stop. */
export const echohelix = defineDialect('echohelix', [health, files, backends, usage, emergency]);
