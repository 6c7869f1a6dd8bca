import { openTarget } from '../src/kit/target/Target.js';
import { findBoundaries } from '../src/mock-generator/findBoundaries.js';
import { join } from 'node:path';
const t = await openTarget({ dir: '/tmp/unit-mock/ky' });
const owners = findBoundaries(t.dir, t.profile.files.map(f => join(t.dir, f.path)));
for (const o of owners) if (o.boundaries.length) console.log(o.kind, o.name, o.file, JSON.stringify(o.boundaries).slice(0, 400));
