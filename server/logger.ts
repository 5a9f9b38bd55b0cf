import type { Env } from './env';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** Plain lines on stdout/stderr; errors keep their stack here, never in a response. */
export function createLogger(level: Env['logLevel']): Logger {
  const min = LEVELS[level];
  const at = (l: keyof typeof LEVELS) => LEVELS[l] >= min;
  const stamp = () => new Date().toISOString();
  return {
    debug: (m) => at('debug') && console.log(`${stamp()} debug ${m}`),
    info: (m) => at('info') && console.log(`${stamp()} info  ${m}`),
    warn: (m) => at('warn') && console.warn(`${stamp()} warn  ${m}`),
    error: (m, err) => {
      if (!at('error')) return;
      console.error(`${stamp()} error ${m}`);
      if (err) console.error(err);
    },
  } as Logger;
}
