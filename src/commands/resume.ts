import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'resume',
  summary: '(not built yet)',
  usage: 'bms-wizard resume',
  help: '',
  options: {},
  async run() {
    throw new InputError("'resume' is not built yet");
  },
};
