import { defineDialect } from '../endpoint';
import * as apiKeys from './api-keys';
import * as auth from './auth';
import * as health from './health';
import * as oauth from './oauth';

/** Everruns so far: health, users, OAuth sign-in and the caller's API keys. */
export const everruns = defineDialect('everruns', [health, auth, oauth, apiKeys]);
