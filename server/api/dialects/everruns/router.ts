import { router } from '@/server/api/trpc';
import { authConfigProcedure, loginProcedure, logoutProcedure, meProcedure, registerProcedure } from '../shared/auth';
import { createOwnKey, deleteOwnKey, listOwnKeys } from './api-keys';
import { health } from './health';
import { oauthRedirect } from './oauth';

export const everrunsRouter = router({
  health,
  authConfig: authConfigProcedure('everruns'),
  register: registerProcedure('everruns', { status: 201, tokenType: 'Bearer' }),
  login: loginProcedure('everruns', { tokenType: 'Bearer' }),
  me: meProcedure('everruns'),
  logout: logoutProcedure('everruns'),
  listApiKeys: listOwnKeys,
  createApiKey: createOwnKey,
  deleteApiKey: deleteOwnKey,
  oauthRedirect,
});
