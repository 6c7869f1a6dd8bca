import { findBoundaries, openTarget } from '@qe-fleet/agents';
import { join } from 'node:path';
const t = await openTarget({ dir: process.argv[2]! });
const owners = findBoundaries(t.dir, t.profile.files.filter((f) => !f.jsx).map((f) => join(t.dir, f.path)));
for (const o of owners) console.log(o.kind, o.name, o.file, JSON.stringify(o.boundaries.map((b) => [b.kind, b.param, b.methods.map((m) => m.name)])), JSON.stringify(o.ambient.filter((a) => a.member).map((a) => `${a.api}:${a.member}`)));
