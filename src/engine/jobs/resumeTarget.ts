// What `--resume DIR` may continue: a run folder with a readable config.json of a known kind.
// Each job then refuses the kinds and states it cannot continue.
import { BadInputError } from '../errors';
import { readConfig, type RunConfigFile } from '../runs/read';

export function readResumableConfig(dir: string): RunConfigFile {
  let config: RunConfigFile | undefined;
  try {
    config = readConfig(dir);
  } catch (err) {
    throw new BadInputError(`config.json is unreadable (${(err as Error).message})`, dir);
  }
  if (!config) throw new BadInputError('not a run folder (no config.json)', dir);
  if (!['train', 'attack', 'curve'].includes(config.kind)) throw new BadInputError("config.json is not a run's configuration (no kind)", dir);
  return config;
}
