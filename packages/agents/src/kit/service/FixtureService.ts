// The service starter's former module: `FixtureService` is now `TargetService` (any target, not
// only the fixture's `src/server.ts`). Kept so agents importing this path keep compiling.
export { TargetService as FixtureService, resolveTsxLoader, withService } from './TargetService.js';
export type { TargetServiceOptions as FixtureServiceOptions } from './TargetService.js';
