// The decoder exports by format name: each turns a session into the file's text (or bytes).
import type { Session } from '../session/schema.js';
import { decoderModel } from './decoder-model.js';
import { luaDissector } from './lua.js';
import { VERSION } from '../version.js';

export const DECODER_FORMATS: Record<string, (session: Session, redact: boolean) => string | Uint8Array> = {
  lua: (session) => luaDissector(decoderModel(session), `bms-wizard ${VERSION}`),
};
