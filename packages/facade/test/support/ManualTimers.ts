import { ManualScheduler } from '@qe-fleet/learning-core';

/** learning-core's test scheduler from 2026-01-01: its `now` is also the agents' and the store's clock. */
export class ManualTimers extends ManualScheduler {
  constructor() {
    super(Date.UTC(2026, 0, 1));
  }
}
