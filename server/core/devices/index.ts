/** The paired-device use cases (EchoHelix pairing), for transports to call as `devices.<useCase>(deps, principal, input)`. */
export {
  DEVICE_SCOPES,
  PAIR_TTL_DEFAULT_SECONDS,
  PAIR_TTL_MAX_SECONDS,
  DEVICE_NAME_MAX_CHARS,
  deviceSchema,
  pairingStartedSchema,
  deviceTokensSchema,
  pairedDeviceSchema,
  renamedDeviceSchema,
  revokedDeviceSchema,
  type DeviceScope,
  type DeviceDto,
  type PairingStarted,
  type DeviceTokens,
  type PairedDevice,
} from './device-dto';
export { startPairing, grantableDeviceScopes, PAIR_VERSION, type StartPairingInput } from './start-pairing';
export { completePairing, deviceAddressOf, type CompletePairingInput } from './complete-pairing';
export { refreshDeviceTokens, revokeTokenFamily, type RefreshDeviceTokensInput } from './refresh-device-tokens';
export { listDevices } from './list-devices';
export { renameDevice, type RenameDeviceInput } from './rename-device';
export { revokeDevice, type RevokeDeviceInput } from './revoke-device';
