import { openTarget } from '../src/kit/target/Target.js';
import { CaseProbe } from '../src/kit/probe/CaseProbe.js';
const target = await openTarget({ dir: '/work/wt-unit-mock/fixtures/sample-target' });
const probe = await CaseProbe.create(target, target.profile.files.map((f) => f.path));
const out = await probe.run([
  { id: 'a', file: 'src/pricing.ts', imports: [{ name: 'roundMoney', local: 'roundMoney' }], setup: [], act: 'roundMoney(0.29)', awaitAct: false },
  { id: 'b', file: 'src/pricing.ts', imports: [{ name: 'lineTotal', local: 'lineTotal' }], setup: [], act: 'lineTotal(-1, 2)', awaitAct: false },
  { id: 'c', file: 'src/cart.ts', imports: [{ name: 'Cart', local: 'Cart' }], setup: ['const saved = []; const repo = { load: async () => undefined, save: async (s) => { saved.push(s); } };', 'const cart = await Cart.open("c1", repo);', 'cart.addItem("p", 2, 1); cart.addItem("p", 3, 1);'], act: 'cart.itemCount()', awaitAct: false, observe: 'saved' },
  { id: 'd', file: 'src/collections.ts', imports: [{ name: 'dedupe', local: 'dedupe' }], setup: [], act: 'dedupe(null)', awaitAct: false },
]);
for (const o of out) console.log(o.id, o.status, o.literal, o.error?.name, o.deliberate, o.lines.join(" "), "|", o.branches.join(" "));
await probe.dispose();
