// What Eagle V1's `offset` counts, from the two tiny answers the probe asks for (limit 2 at
// offset 0 and 1): every consistent pair of answers, and those that fit neither reading.

import { describe, expect, it } from 'vitest';
import { detectOffsetModel } from '../../src/probes/eagle.js';
import { ProbeError } from '../../src/probes/types.js';

describe('detectOffsetModel', () => {
  it.each([
    [[], [], 'single'],
    [['a'], [], 'single'],
    [['a', 'b'], [], 'single'],
    [['a', 'b'], ['b'], 'items'],
    [['a', 'b'], ['b', 'c'], 'items'],
    [['a', 'b'], ['c'], 'pages'],
    [['a', 'b'], ['c', 'd'], 'pages'],
  ] as const)('%j then %j: %s', (first, second, model) => {
    expect(detectOffsetModel(first, second)).toBe(model);
  });

  it.each([
    [['a'], ['b'], 'fits neither'],
    [[], ['a'], 'fits neither'],
    [['a', 'b'], ['a', 'b'], 'ignores offset'],
    [['a', 'b'], ['b', 'a'], 'fits neither'],
    [['a', 'b'], ['c', 'a'], 'fits neither'],
    [['a', 'b'], ['a', 'c'], 'fits neither'],
    [['a', 'a'], ['b'], 'twice in one page'],
    [['a', 'b', 'c'], ['b'], 'answered limit 2 at offset 0 with 3 items'],
  ] as const)('%j then %j: refused (%s)', (first, second, reason) => {
    const error = (() => {
      try {
        detectOffsetModel(first, second);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain('cannot be counted exactly');
  });
});
