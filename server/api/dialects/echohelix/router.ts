import { defineDialect } from '../endpoint';
import * as files from './files';
import * as health from './health';
import * as runs from './runs';

/** EchoHelix so far: liveness, files and runs. */
export const echohelix = defineDialect('echohelix', [health, files, runs]);
