import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'sessions',
  summary: '(not built yet)',
  usage: 'bms-wizard sessions',
  help: '',
  options: {},
  async run() {
    throw new InputError("'sessions' is not built yet");
  },
};
