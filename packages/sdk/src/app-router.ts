/**
 * The server's router type. Only its type crosses into the package: the build bundles the
 * declarations it needs into dist/index.d.ts (see build.mjs), so an installed SDK needs no server
 * source.
 */
export type { AppRouter } from '../../../server/api/root';
