import { router } from '@/server/api/trpc';
import { loginProcedure, meProcedure, registerProcedure } from './auth';
import { health } from './health';

/**
 * Paths two dialects share, served once at the root with an input that accepts both documented
 * shapes and an output that carries both documents' fields. Under a dialect's own base path the
 * dialect's strict version answers instead.
 */
export const sharedRootRouter = router({
  health,
  register: registerProcedure('auth', { status: 201, tokenType: 'bearer' }),
  login: loginProcedure('auth', { tokenType: 'bearer' }),
  me: meProcedure('auth'),
});
