import { defineDialect } from '../endpoint';
import * as health from './health';
import * as keys from './keys';

/** Aegis so far: health and the server's API keys. */
export const aegis = defineDialect('aegis', [health, keys]);
