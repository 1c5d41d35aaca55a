import { Command } from './command';

/** Every `sat` subcommand, in the order `sat help` lists them. */
export const commands: Command[] = [];
