/**
 * Runs code-reviewer and security-scanner, every strategy, through their cores on the folders
 * given as arguments (uncatalogued public projects, copied somewhere writable first) and prints,
 * per folder × agent × strategy: success or error code, findings, coverage, skipped surfaces;
 * with `--findings` every finding (file:line, rule, severity, message) so a human can judge it.
 * Run: `node --conditions=@qe-fleet/source --import tsx scripts/static-agents.ts [--findings] DIR...`
 */
import { CodeReviewer, SecurityScanner, runAgentTask } from '@qe-fleet/agents';
import type { AgentCore } from '@qe-fleet/agents';

const args = process.argv.slice(2);
const listFindings = args.includes('--findings');
const dirs = args.filter((a) => !a.startsWith('--'));
// Live probes need a service these projects do not describe in a way the kit starts yet; a
// short startup timeout keeps a failed start from dominating the run.
const cores: AgentCore[] = [new CodeReviewer(), new SecurityScanner({ service: { startupTimeoutMs: 15_000 } })];
for (const dir of dirs) {
  for (const core of cores) {
    for (const { name } of core.strategies) {
      const result = await runAgentTask(core, { dir, catalogue: false }, name, { timeBudgetMs: 120_000 });
      const report = result.output.report;
      const skipped = report?.skipped?.map((s) => `${s.surface}: ${s.reason}`).join('; ') ?? '';
      const status = result.success ? 'ok' : `FAILED ${result.errors.join('; ').slice(0, 160)}`;
      console.log(`${dir}  ${core.id}  ${name}  ${status}  findings=${result.output.findings.length}  coverage=${result.coverage?.toFixed(2) ?? '-'}  ${(result.executionTime / 1000).toFixed(1)}s${skipped === '' ? '' : `  skipped: ${skipped}`}`);
      if (listFindings) {
        for (const f of result.output.findings) {
          const where = 'file' in f.location ? `${f.location.file}:${f.location.line}` : JSON.stringify(f.location);
          console.log(`    ${f.severity.padEnd(8)} ${f.kind.padEnd(20)} ${where}  ${f.rule ?? ''}  ${f.message.slice(0, 140)}`);
        }
      }
    }
  }
}
