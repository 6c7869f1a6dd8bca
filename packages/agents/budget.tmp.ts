import { MutationTesterCore, runAgentTask } from './src/index.js';
const t0 = Date.now();
const r = await runAgentTask(new MutationTesterCore(), { dir: '/tmp/node-cron-try' }, process.argv[2]!, { timeBudgetMs: Number(process.argv[3]) });
console.log('took', Date.now() - t0, r.success, r.errors, r.output.report?.notes?.slice(-2));
