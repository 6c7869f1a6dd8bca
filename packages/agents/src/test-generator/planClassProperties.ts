import type { ExportedClass } from '../kit/typescript/extractExports.js';
import { arbitraryCode, moduleAlias, QUANTITY } from './arbitraryCode.js';
import { LEVELS } from './plannedProperty.js';
import type { OracleLevel, PlannedProperty } from './plannedProperty.js';

const MUTATOR = /^(add|increase|increment|deposit|credit|push|append|insert|put)/i;
const COUNTER = /count|quantity|units|size|length/i;

/**
 * Stateful properties of exported classes: when a class has an `add…` method taking a quantity and
 * a `…count()` method, the count after any sequence of adds must grow by exactly the quantities
 * added (adding the same key twice included: keys are drawn from a tiny set so repeats happen).
 */
export function planClassProperties(classes: ExportedClass[], level: OracleLevel): PlannedProperty[] {
  if (LEVELS[level] < LEVELS.invariants) return [];
  const out: PlannedProperty[] = [];
  for (const cls of classes) {
    const factory = cls.factory;
    const counter = cls.methods.find((m) => m.params.length === 0 && !m.async && m.returns.kind === 'number' && COUNTER.test(m.name));
    if (!factory || !counter || factory.params.some((p) => !p.optional && p.type.kind === 'opaque')) continue;
    const made = factory.params.filter((p) => !p.optional);
    const alias = moduleAlias(cls.file);
    // Collaborators are built inside the property, so every run starts from a fresh one.
    const generated = made.filter((p) => p.type.kind !== 'instance');
    const factoryArgs = made.map((p) => (p.type.kind === 'instance' ? `new ${moduleAlias(p.type.file)}.${p.type.className}()` : `f${generated.indexOf(p)}`));
    const create = factory.kind === 'new' ? `new ${alias}.${cls.name}(${factoryArgs.join(', ')})` : `${factory.async ? 'await ' : ''}${alias}.${cls.name}.${factory.name}(${factoryArgs.join(', ')})`;
    for (const mutator of cls.methods.filter((m) => MUTATOR.test(m.name))) {
      const params = mutator.params.filter((p) => !p.optional);
      const quantity = params.findIndex((p) => p.type.kind === 'number' && QUANTITY.test(p.name));
      if (quantity < 0 || params.some((p) => p.type.kind === 'opaque')) continue;
      const callArbs = params.map((p) => (p.type.kind === 'string' ? "fc.constantFrom('a', 'b')" : arbitraryCode(p.type, p.name)));
      const args = params.map((_, i) => `c${i}`);
      const arbs = [...generated.map((p) => arbitraryCode(p.type, p.name)), `fc.array(fc.tuple(${callArbs.join(', ')}), { maxLength: 6 })`];
      const name = `${cls.name}.${mutator.name}`;
      const code = `checkAsync(${JSON.stringify(name)}, 'add-accumulates', [${arbs.join(', ')}], async (${[...generated.map((_, i) => `f${i}`), 'calls'].join(', ')}) => {
    const obj = ${create};
    let expected = obj.${counter.name}();
    for (const [${args.join(', ')}] of calls) {
      const r = await guardAsync(async () => obj.${mutator.name}(${args.join(', ')}));
      if (r !== SKIP) expected += c${quantity};
    }
    return near(obj.${counter.name}(), expected);
  });`;
      out.push({ fn: { name, file: cls.file, line: mutator.line, endLine: mutator.endLine }, oracle: 'add-accumulates', level: 'invariants', code });
    }
  }
  return out;
}

