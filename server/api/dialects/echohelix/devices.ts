/** Paired devices: list, rename, revoke. */
import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { endpoint } from '../endpoint';
import { deviceList, toEchohelixDevice } from './shapes/devices';

const addressParam = z.object({ address: z.string().min(1) });

export const listDevices = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/devices',
  scope: 'devices:read',
  summary: 'Paired devices of the caller\u2019s owner (the bootstrap token: all), revoked ones included',
  output: deviceList,
  handler: async ({ deps, principal }) => ({ devices: (await devices.listDevices(deps, principal)).map(toEchohelixDevice) }),
});

export const renameDevice = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/devices/{address}/rename',
  scope: 'devices:write',
  summary: 'Rename a device (a device may rename only itself)',
  input: addressParam.extend({ name: z.string() }),
  output: devices.renamedDeviceSchema,
  handler: ({ deps, principal, input }) => devices.renameDevice(deps, principal, { address: input.address, name: input.name }),
});

export const revokeDevice = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/devices/{address}/revoke',
  scope: 'devices:write',
  summary: 'Revoke a device: its tokens stop working and its open streams close (a device may revoke only itself)',
  input: addressParam.extend({ reason: z.string().optional() }),
  output: devices.revokedDeviceSchema,
  handler: ({ deps, principal, input }) => devices.revokeDevice(deps, principal, { address: input.address, reason: input.reason }),
});
