import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'demo',
  summary: '(not built yet)',
  usage: 'bms-wizard demo',
  help: '',
  options: {},
  async run() {
    throw new InputError("'demo' is not built yet");
  },
};
