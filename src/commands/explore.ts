import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'explore',
  summary: '(not built yet)',
  usage: 'bms-wizard explore',
  help: '',
  options: {},
  async run() {
    throw new InputError("'explore' is not built yet");
  },
};
