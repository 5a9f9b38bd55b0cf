import { defineDialect } from '../endpoint';
import * as auth from './auth';
import * as health from './health';

/** Autopack so far: health and users. */
export const autopack = defineDialect('autopack', [health, auth]);
