import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'analyze',
  summary: '(not built yet)',
  usage: 'bms-wizard analyze',
  help: '',
  options: {},
  async run() {
    throw new InputError("'analyze' is not built yet");
  },
};
