import { defineDialect } from '../endpoint';
import * as devices from './devices';
import * as files from './files';
import * as health from './health';
import * as pairing from './pairing';

/** EchoHelix so far: liveness, files, pairing and devices. */
export const echohelix = defineDialect('echohelix', [health, files, pairing, devices]);
