import type { Clock, Logger, SwarmMemoryManager } from '@qe-fleet/memory';
import { compositeScore } from './compositeScore.js';
import { LEARNING_EVENT_TTL, LearningEventType } from './events.js';
import { LearningError } from './LearningError.js';
import type { PerformanceTracker } from './PerformanceTracker.js';
import type { StateVersioning } from './StateVersioning.js';
import type { PerformanceMetrics } from './types.js';

/** Default `healthyVersionIntervalMs`: one hour. */
const DEFAULT_VERSION_INTERVAL_MS = 3_600_000;

/** What the safeguard needs from the engine (a `LearningEngine` fits). */
export interface SafeguardEngine {
  setEnabled(enabled: boolean): void;
}

/** Constructor options of `PerformanceSafeguard`. */
export interface PerformanceSafeguardOptions {
  /** Percent change of the window score vs the baseline below which a check fails (seed: -5). */
  threshold?: number;
  /** Failed checks in a row that trip the safeguard (seed: 3). */
  consecutiveChecks?: number;
  /** The loop to stop on a trip. */
  loop?: { stop(): void };
  /** Save a version (marked healthy) at a passed check. Default true. */
  saveHealthyVersions?: boolean;
  /**
   * A passed check saves a healthy version only when the newest one is older than this (ms).
   * Default 1 hour: a version is a whole learning state, and a busy agent completes a window
   * every few seconds; what a rollback restores is then at most an hour older than necessary.
   */
  healthyVersionIntervalMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Operator alert on a trip (seed step 5); default: `logger.error`. */
  alert?: (message: string, report: RollbackReport) => void;
}

/** What a trip did (also the payload of the `learning:rollback` event). */
export interface RollbackReport {
  agentId: string;
  /** Percent change of the window score vs the baseline at the tripping check. */
  degradation: number;
  /** Version restored, or null when no healthy version existed. */
  restoredVersion: string | null;
  timestamp: number;
  reason: string;
}

/**
 * Performance degradation detection and rollback (seed 10.1). A check compares the mean composite
 * score of the tracker's rolling window with its baseline window; the safeguard checks once per
 * completed window (non-overlapping windows, so consecutive checks see different tasks). After
 * `consecutiveChecks` failed checks in a row it disables learning, restores the newest version
 * saved while performance was fine, stops the improvement loop and emits `learning:rollback`.
 * The window size was chosen by measurement (`bench/safeguard.ts`: false alarms of an unchanged
 * agent and detection delay of a real drop); see the tracker's `windowSize`.
 */
export class PerformanceSafeguard {
  readonly #agentId: string;
  readonly #memory: SwarmMemoryManager;
  readonly #engine: SafeguardEngine;
  readonly #tracker: PerformanceTracker;
  readonly #versioning: StateVersioning;
  readonly #threshold: number;
  readonly #consecutiveChecks: number;
  readonly #loop: { stop(): void } | undefined;
  readonly #saveHealthy: boolean;
  readonly #versionInterval: number;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #alert: ((message: string, report: RollbackReport) => void) | undefined;
  #consecutive = 0;
  #tripped: RollbackReport | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    agentId: string,
    memory: SwarmMemoryManager,
    engine: SafeguardEngine,
    tracker: PerformanceTracker,
    versioning: StateVersioning,
    options: PerformanceSafeguardOptions = {},
  ) {
    const threshold = options.threshold ?? -5;
    const consecutiveChecks = options.consecutiveChecks ?? 3;
    if (!Number.isFinite(threshold) || threshold >= 0) {
      throw new LearningError('INVALID_CONFIG', `threshold must be a negative percent, got ${threshold}`);
    }
    if (!Number.isInteger(consecutiveChecks) || consecutiveChecks < 1) {
      throw new LearningError('INVALID_CONFIG', `consecutiveChecks must be a positive integer, got ${consecutiveChecks}`);
    }
    this.#agentId = agentId;
    this.#memory = memory;
    this.#engine = engine;
    this.#tracker = tracker;
    this.#versioning = versioning;
    this.#threshold = threshold;
    this.#consecutiveChecks = consecutiveChecks;
    this.#loop = options.loop;
    this.#saveHealthy = options.saveHealthyVersions ?? true;
    this.#versionInterval = options.healthyVersionIntervalMs ?? DEFAULT_VERSION_INTERVAL_MS;
    if (!(this.#versionInterval >= 0)) {
      throw new LearningError('INVALID_CONFIG', `healthyVersionIntervalMs must be >= 0, got ${this.#versionInterval}`);
    }
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger;
    this.#alert = options.alert;
  }

  /** Checks at every completed tracker window from now on (idempotent). */
  start(): void {
    this.#unsubscribe ??= this.#tracker.onWindow(() => {
      this.checkPerformance();
    });
  }

  /** Stops checking. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /**
   * One check (seed `checkPerformance`): `current` against `baseline` when given, else the
   * tracker's rolling window against its baseline window (no check before the baseline exists).
   * Returns true when this check tripped the safeguard. After a trip, checks do nothing until
   * `reset()`.
   */
  checkPerformance(current?: PerformanceMetrics, baseline?: PerformanceMetrics): boolean {
    if (this.#tripped) return false;
    let currentScore: number;
    let baselineScore: number;
    if (current && baseline) {
      currentScore = compositeScore(current.metrics, this.#tracker.rewardWeights);
      baselineScore = compositeScore(baseline.metrics, this.#tracker.rewardWeights);
    } else {
      if (!this.#tracker.getBaseline()) return false;
      ({ currentScore, baselineScore } = this.#tracker.calculateImprovement());
    }
    if (!(baselineScore > 0)) return false;
    const change = ((currentScore - baselineScore) / baselineScore) * 100;
    if (change >= this.#threshold) {
      this.#consecutive = 0;
      const lastSaved = this.#versioning.latestHealthyVersionInfo()?.savedAt ?? Number.NEGATIVE_INFINITY;
      if (this.#saveHealthy && this.#clock() - lastSaved >= this.#versionInterval) {
        this.#versioning.saveVersionedState(undefined, { healthy: true, improvementRate: change });
      }
      return false;
    }
    if (++this.#consecutive < this.#consecutiveChecks) return false;
    this.#trip(change);
    return true;
  }

  /** Failed checks in a row so far. */
  getConsecutiveDegradations(): number {
    return this.#consecutive;
  }

  /** The trip that disarmed the safeguard, or null while armed. */
  getRollback(): RollbackReport | null {
    return this.#tripped;
  }

  /** Re-arms the safeguard after an operator dealt with a trip (learning stays as they left it). */
  reset(): void {
    this.#tripped = null;
    this.#consecutive = 0;
  }

  #trip(degradation: number): void {
    const reason =
      `composite score ${degradation.toFixed(2)} % vs baseline in ${this.#consecutive} consecutive checks ` +
      `(threshold ${this.#threshold} %)`;
    const report = this.#memory.transaction((): RollbackReport => {
      const restoredVersion = this.#versioning.rollbackToLatestHealthy();
      // After the restore: the restored state's config would otherwise switch learning back on.
      this.#engine.setEnabled(false);
      const payload = { agentId: this.#agentId, degradation, restoredVersion, timestamp: this.#clock(), reason };
      this.#memory.storeEvent({ type: LearningEventType.ROLLBACK, payload, source: this.#agentId, ttl: LEARNING_EVENT_TTL });
      return payload;
    });
    this.#loop?.stop();
    this.#tripped = report;
    this.#consecutive = 0;
    const message = `Learning rollback triggered for agent ${this.#agentId}: ${report.reason}`;
    if (this.#alert) this.#alert(message, report);
    else this.#logger?.error(message);
  }
}
