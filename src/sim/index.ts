// The simulator's public surface: protocol models, the simulated battery, app traffic, writers.
export type { BmsProtocol, SwitchTruth } from './protocol.js';
export { PROTOCOLS, getProtocol } from './protocols/index.js';
export { SimulatedBms, packMv, socPermille, type BmsState, type SimulatedBmsOptions } from './state.js';
export { buildGatt, toModelGatt, type SimGatt, type SimService, type SimCharacteristic } from './gatt.js';
export { simulateAppSession, appSessionTimeline, type AppSessionOptions } from './session.js';
export { deviceAddressFor, serialFor } from './identity.js';
export { simulateRounds, type RoundsOptions, type RoundsResult } from './rounds.js';
export { simulateAttRounds, type AttRoundsOptions } from './att-rounds.js';
export { simulateCapture, type SimulateCaptureOptions, type SimulatedCapture, type StateWindow } from './capture.js';
export { hciToAir, type AirPacket, type AirOptions } from './air/convert.js';
export { writeCapture, writePcapng, writeBtsnoop, writePklg, writePcap, writePcapLl, writeNrfConnectText, LEADING_RECORDS, ALL_CAPTURE_FORMATS, CAPTURE_FORMATS, FORMAT_EXTENSION, type SimCaptureFormat } from './writers/index.js';
export { Prng } from './prng.js';
