import type { UserConfig } from 'vitest/config';

/** Shared vitest config for every package; `overrides` is merged on top. */
export function qeVitestConfig(overrides?: UserConfig): UserConfig;
