// Shell mode's demo sources (config `demo:`): a djay library file and an Eagle API on
// loopback, both reproducing the audit report's figures, measured by the real probes.

import type { Config } from '../../config/index.js';
import { describeError } from '../../kit/errors.js';
import type { Logger } from '../../kit/logger.js';
import { ensureDemoDjayLibrary } from './djay.js';
import { EagleServer, generateDemoItems } from './eagle-server.js';

export interface RunningDemo {
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
      // Another copy of the bot may be serving it already; the probe reports what it finds.
      logger.warn(`demo Eagle not started on port ${demo.eagle.port}: ${describeError(error)}`);
    }
  }
  return { async stop() {} };
}
