// The known family of a session's device (from its stored rounds and GATT table) and what the
// family documents at the analysis' candidates: for the wizard's results and the report.
import { knownProtocol, type KnownProtocol } from '../analysis/known/context.js';
import { sessionRounds } from '../session/rounds.js';
import type { Session } from '../session/schema.js';

/** How many of the best candidates are looked up in the family's documented fields. */
const LOOKED_UP = 30;

export function sessionKnown(session: Session): KnownProtocol | null {
  const rounds = sessionRounds(session);
  if (rounds.every((r) => r.events.length === 0)) return null;
  const gatt = session.device.gatt ?? [];
  const uuids = gatt.flatMap((s) => [s.uuid, ...s.characteristics.map((c) => c.uuid)]).map((u) => u.toLowerCase());
  const result = session.analysis?.result;
  return knownProtocol(rounds, result?.groups ?? [], (result?.candidates ?? []).slice(0, LOOKED_UP), uuids.length ? [{ peer: null, uuids }] : []);
}
