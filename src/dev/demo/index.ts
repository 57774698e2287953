// Shell mode's demo sources (config `demo:`): a djay library file and an Eagle API on
// loopback, both reproducing the audit report's figures, measured by the real probes.

import type { Config } from '../../config/index.js';
import { describeError } from '../../kit/errors.js';
import type { Logger } from '../../kit/logger.js';
import { ensureDemoDjayLibrary } from './djay.js';
import { EagleServer, generateDemoItems } from './eagle-server.js';

export interface RunningDemo {
  /** Where the demo Eagle answers, when it is not the configured port (that port was taken). */
  readonly eagleUrl?: string;
  stop(): Promise<void>;
}

export async function startDemo(demo: NonNullable<Config['demo']>, logger: Logger): Promise<RunningDemo> {
  if (demo.djay) {
    try {
      ensureDemoDjayLibrary(demo.djay);
    } catch (error) {
      logger.warn(`demo djay library not created at ${demo.djay.path}: ${describeError(error)}`);
    }
  }
  if (demo.eagle) {
    const eagle = new EagleServer({
      items: generateDemoItems(demo.eagle.items, demo.eagle.fingerprinted, demo.eagle.tag_prefix),
    });
    try {
      await eagle.start(demo.eagle.port);
      return eagle;
    } catch (error) {
      logger.warn(`demo Eagle not started on port ${demo.eagle.port}: ${describeError(error)}`);
    }
    // The port is taken (another copy of the bot, whose server stops with it): serve the same
    // items on a free port, and the probes are pointed there.
    try {
      await eagle.start(0);
      logger.info(`demo Eagle answers at ${eagle.url} instead`);
      return { eagleUrl: eagle.url, stop: () => eagle.stop() };
    } catch (error) {
      logger.warn(`demo Eagle not started: ${describeError(error)}`);
    }
  }
  return { async stop() {} };
}

/** `config` with the Eagle probes that point at the demo's configured port pointed at `url`. */
export function withDemoEagleAt(config: Config, url: string): Config {
  const port = config.demo?.eagle?.port;
  const isDemo = (probeUrl: string) => {
    // Config URLs are checked when read; one that still does not parse is not the demo's.
    const parsed = URL.canParse(probeUrl) ? new URL(probeUrl) : undefined;
    return Number(parsed?.port) === port && ['127.0.0.1', 'localhost'].includes(parsed?.hostname ?? '');
  };
  return {
    ...config,
    probes: config.probes.map((p) => (p.kind === 'eagle' && isDemo(p.url) ? { ...p, url } : p)),
  };
}
