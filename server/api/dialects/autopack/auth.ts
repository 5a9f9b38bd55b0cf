/** Autopack's users: register, log in (JSON or the OAuth2 password form), who am I. */
import { authEndpoints } from '../shared/auth';

export const { register, login, me } = authEndpoints('autopack', { tokenType: 'bearer' });
