/**
 * Canonical streams that belong to no dialect (the event shape of the tRPC API), declared like
 * dialect endpoints and served at the root only.
 */
import { defineDialect } from '../dialects/endpoint';
import * as runs from './runs';

export const canonicalStreams = defineDialect('switchboard', [runs]);
