/** The emergency stop's use cases, for transports to call as `emergency.<useCase>(deps, principal, input)`. */
export { getEmergencyState } from './emergency-state';
export { activateEmergencyStop, resumeFromEmergencyStop } from './emergency-stop';
export { emergencyStateSchema, emergencyStopResultSchema, type EmergencyState, type EmergencyStopResult } from './emergency-dto';
