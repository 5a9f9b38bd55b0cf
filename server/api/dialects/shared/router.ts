import { defineDialect } from '../endpoint';
import * as root from './root';

/** The root's union endpoints for the paths Autopack and Everruns share; they win those paths at the root. */
export const shared = defineDialect('shared', [root]);
