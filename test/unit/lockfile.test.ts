// `npm ci` refuses a lock file that lacks an optional package for some platform (npm leaves
// them out when the lock is regenerated over an existing node_modules). CI and container
// builds use `npm ci`, so every optional dependency a locked package declares must be locked.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROOT } from '../support/run-main.js';

const lockSchema = z.object({
  lockfileVersion: z.number(),
  packages: z.record(
    z.string(),
    z.object({
      version: z.string().optional(),
      optionalDependencies: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

describe('package-lock.json', () => {
  const lock = lockSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')));
  const pkg = z
    .object({
      dependencies: z.record(z.string(), z.string()),
      devDependencies: z.record(z.string(), z.string()),
    })
    .parse(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')));

  it('locks every optional dependency of every locked package, for every platform', () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${where}/node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`])
          missing.push(`${name} (of ${where})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('locks every direct dependency of package.json', () => {
    const direct = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(direct.filter((name) => !lock.packages[`node_modules/${name}`])).toEqual([]);
  });
});
