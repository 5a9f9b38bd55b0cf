import { router } from '@/server/api/trpc';
import { loginProcedure, meProcedure, registerProcedure } from '../shared/auth';
import { health } from './health';

export const autopackRouter = router({
  health,
  register: registerProcedure('autopack', { status: 201, tokenType: 'bearer' }),
  login: loginProcedure('autopack', { tokenType: 'bearer' }),
  me: meProcedure('autopack'),
});
