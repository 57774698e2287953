import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/kit/lifecycle.js';

describe('Lifecycle', () => {
  it('drains once work in flight settles', async () => {
    const lifecycle = new Lifecycle();
    let release: () => void = () => {};
    const work = lifecycle.track(() => new Promise<void>((resolve) => (release = resolve)));
    expect(lifecycle.pending).toBe(1);
    lifecycle.beginStopping();
    const drained = lifecycle.drain(5000);
    release();
    await work;
    await expect(drained).resolves.toBe(true);
    expect(lifecycle.stopping).toBe(true);
  });

  it('gives up after the bound when work does not finish', async () => {
    const lifecycle = new Lifecycle();
    void lifecycle.track(() => new Promise<void>(() => {}));
    await expect(lifecycle.drain(50)).resolves.toBe(false);
    expect(lifecycle.pending).toBe(1);
  });

  it('counts failed work as finished', async () => {
    const lifecycle = new Lifecycle();
    await expect(lifecycle.track(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(lifecycle.pending).toBe(0);
    await expect(lifecycle.drain(10)).resolves.toBe(true);
  });
});
