import type { Scheduler } from './types.js';

/** The real timers, unref'd so a forgotten agent never keeps the process alive. */
export const systemScheduler: Scheduler = {
  setTimeout(fn, ms) {
    return setTimeout(fn, ms).unref();
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  setInterval(fn, ms) {
    return setInterval(fn, ms).unref();
  },
  clearInterval(handle) {
    clearInterval(handle as NodeJS.Timeout);
  },
};
