import { Command } from './command';
import { segmentCommand } from './segment';
import { referenceCommand } from './reference';
import { demoCommand } from './demo';
import { toSegCommand } from './to-seg';
import { fromSegCommand } from './from-seg';
import { modelsCommand } from './models';

/** Every `sat` subcommand, in the order `sat help` lists them. */
export const commands: Command[] = [segmentCommand, referenceCommand, toSegCommand, fromSegCommand, modelsCommand, demoCommand];
