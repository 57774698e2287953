// Payload fixtures from test/fixtures/, read fresh for each use (tests change their copies).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './run-main.js';

export function alertFixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'test', 'fixtures', 'alerts', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;
}
