// The text of every generated file, from the sources it is generated from (see gen.ts).
import fs from 'node:fs';
import path from 'node:path';
import { experimentJsonSchema } from '../src/protocol/jsonSchema';
import { catalogueSettings } from '../src/extension/settingsSchema';

export const SCHEMA_FILE = 'schemas/advtrain.schema.json';

/** package.json with the catalogue's settings replaced (every other key and the order kept). */
export function packageJsonText(current: string): string {
  const pkg = JSON.parse(current);
  const props = pkg.contributes.configuration.properties as Record<string, unknown>;
  for (const [key, value] of Object.entries(catalogueSettings())) props[key] = value;
  return JSON.stringify(pkg, null, 2) + '\n';
}

export function generatedFiles(root: string): Record<string, string> {
  return {
    [SCHEMA_FILE]: JSON.stringify(experimentJsonSchema(), null, 2) + '\n',
    'package.json': packageJsonText(fs.readFileSync(path.join(root, 'package.json'), 'utf8')),
  };
}
