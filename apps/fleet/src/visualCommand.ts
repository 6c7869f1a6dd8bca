import { FleetError } from './FleetError.js';
import type { CommandRegistrar } from './program.js';
import { resolveRunSettings } from './runOptions.js';

/** Flags of `qe-fleet visual baseline update`. */
interface VisualBaselineOptions {
  target?: string;
  url?: string;
  start?: string;
  viewports: string;
}

/**
 * `qe-fleet visual baseline update`: renders every page of the target at the chosen viewports and
 * stores the screenshots as the visual-regression baseline (`.qe-fleet/visual/baseline/`), which
 * later `run`s compare with. Exit 4 when the pages could not be rendered (no Chromium, no pages).
 */
export const registerVisualCommand: CommandRegistrar = (program, context, setExit) => {
  const baseline = program
    .command('visual')
    .description("visual-regression screenshots of the target's pages")
    .command('baseline')
    .description('the screenshots visual-regression compares with (.qe-fleet/visual/baseline in the target)');
  baseline
    .command('update')
    .description("render the target's pages in headless Chromium and store them as the visual baseline")
    .option('--target <dir>', 'folder of the project (default: the bundled sample target)')
    .option('--url <url>', 'base URL of an already running service of the target (loopback only)')
    .option('--start <command>', "shell command that starts the target's service")
    .option('--viewports <strategy>', 'which viewports: a visual-regression strategy', 'all-viewports')
    .action(async (opts: VisualBaselineOptions) => {
      const ctx = context();
      const settings = resolveRunSettings(ctx, { ...opts, agents: ['visual-regression'] });
      // The agents' main entry loads all seventeen agents and their tools; only this command pays for it.
      const { AgentError, findStrategy, openTarget, VisualRegressionCore } = await import('@qe-fleet/agents');
      try {
        const core = new VisualRegressionCore({ update: true });
        findStrategy(core, opts.viewports);
        const target = await openTarget({ dir: settings.target, ...(settings.url === undefined ? {} : { baseUrl: settings.url }), ...settings.service });
        const report = await core.run(target, opts.viewports, { signal: ctx.io.signal });
        ctx.print(`visual baseline: ${report.stats.recorded} screenshot(s) of ${report.stats.pagesReached} page(s) stored in ${report.stats.baseline}\n${report.notes.join('\n')}`, {
          baseline: report.stats.baseline,
          stored: report.stats.recorded,
          pages: report.stats.pagesReached,
          notes: report.notes,
        });
        setExit(0);
      } catch (error) {
        if (error instanceof AgentError) throw new FleetError(error.code === 'UNKNOWN_STRATEGY' ? 'USAGE' : 'AGENT_FAILED', `visual baseline update: ${error.code}: ${error.message}`, { cause: error });
        throw error;
      }
    });
};
