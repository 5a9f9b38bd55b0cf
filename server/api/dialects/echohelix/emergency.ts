/**
 * The emergency stop. EchoHelix reserves it for the bootstrap token: here the `admin` scope, which
 * the bootstrap token and admin-scoped principals hold and paired devices and user keys do not.
 */
import * as emergency from '@/server/core/emergency';
import { endpoint } from '../endpoint';
import {
  echohelixEmergencyState,
  echohelixEmergencyStop,
  emergencyStopBody,
  toEchohelixEmergencyState,
  toEchohelixEmergencyStop,
} from './shapes/emergency';

export const emergencyStop = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/emergency/stop',
  scope: 'admin',
  summary: 'Refuse new runs and turns until resumed, and cancel every active one',
  input: emergencyStopBody,
  output: echohelixEmergencyStop,
  handler: async ({ deps, principal, input }) => toEchohelixEmergencyStop(await emergency.activateEmergencyStop(deps, principal, { reason: input?.reason })),
});

export const emergencyResume = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/emergency/resume',
  scope: 'admin',
  summary: 'Accept new work again',
  output: echohelixEmergencyState,
  handler: async ({ deps, principal }) => toEchohelixEmergencyState(await emergency.resumeFromEmergencyStop(deps, principal, {})),
});

export const emergencyStatus = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/emergency/status',
  scope: 'admin',
  summary: 'Whether the emergency stop is on, since when and why',
  output: echohelixEmergencyState,
  handler: async ({ deps, principal }) => toEchohelixEmergencyState(await emergency.getEmergencyState(deps, principal, {})),
});
