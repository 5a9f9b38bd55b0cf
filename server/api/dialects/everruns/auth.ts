/** Everruns's users: sign-in methods, register, log in and out, who am I. */
import { authEndpoints } from '../shared/auth';

export const { authConfig, register, login, me, logout } = authEndpoints('everruns', { tokenType: 'Bearer' });
