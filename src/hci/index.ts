// The hci room: Packet stream → connections + AttEvent stream.
export { createAttExtractor, type AttExtractor } from './extractor.js';
export type { ExtractCounts, ExtractOptions, ExtractResult, HandleInfo } from './types.js';
export { attOpName, OP_PREPARED_WRITE } from '../att.js';
