import { afterEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  MemoryError,
  type AccessLevel,
  type Caller,
  type Permission,
  type SwarmMemoryManager,
} from '@qe-fleet/memory';
import { openMemory } from './helpers.js';

const SECRET = 'SECRET-VALUE-4711';
const callers: Record<string, Caller> = {
  owner: { agentId: 'owner', teamId: 'T', swarmId: 'S' },
  team: { agentId: 'mate', teamId: 'T', swarmId: 'S' },
  swarm: { agentId: 'peer', teamId: 'U', swarmId: 'S' },
  other: { agentId: 'stranger', teamId: 'V', swarmId: 'W' },
  system: { agentId: 'root', isSystem: true },
};

// Written out independently of ACCESS_MATRIX: r=read w=write d=delete s=share.
const EXPECTED: Record<AccessLevel, Record<string, string>> = {
  private: { owner: 'rwds', team: '', swarm: '', other: '', system: 'rwds' },
  team: { owner: 'rwds', team: 'rw', swarm: '', other: '', system: 'rwds' },
  swarm: { owner: 'rwds', team: 'rw', swarm: 'rw', other: '', system: 'rwds' },
  public: { owner: 'rwds', team: 'r', swarm: 'r', other: 'r', system: 'rwds' },
  system: { owner: '', team: '', swarm: '', other: '', system: 'rwds' },
};
const LETTER: Record<Permission, string> = { read: 'r', write: 'w', delete: 'd', share: 's' };

let memory: SwarmMemoryManager;
afterEach(() => memory?.close());

function seed(level: AccessLevel): void {
  ({ memory } = openMemory());
  memory.store('entry', { secret: SECRET }, { owner: 'owner', teamId: 'T', swarmId: 'S', accessLevel: level });
}

/** Tries `permission` through the public API; true if allowed, false if AccessDeniedError. */
function attempt(permission: Permission, caller: Caller): boolean {
  try {
    switch (permission) {
      case 'read':
        expect(memory.retrieve('entry', caller)).toEqual({ secret: SECRET });
        break;
      case 'write':
        memory.store('entry', { secret: SECRET }, caller);
        break;
      case 'delete':
        expect(memory.delete('entry', caller)).toBe(true);
        break;
      case 'share':
        memory.grantPermission('entry', 'someone', ['read'], caller);
        break;
    }
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('ACCESS_DENIED');
    expect((error as Error).message).not.toContain(SECRET);
    return false;
  }
}

const cases = (Object.keys(EXPECTED) as AccessLevel[]).flatMap((level) =>
  Object.keys(callers).flatMap((relation) =>
    (['read', 'write', 'delete', 'share'] as Permission[]).map(
      (permission) => [level, relation, permission, EXPECTED[level][relation]?.includes(LETTER[permission]) ?? false] as const,
    ),
  ),
);

describe('access matrix', () => {
  it.each(cases)('%s entry, %s caller, %s → allowed=%s', (level, relation, permission, allowed) => {
    seed(level);
    expect(attempt(permission, callers[relation] as Caller)).toBe(allowed);
    // A refused attempt changed nothing.
    if (!allowed) expect(memory.retrieveEntry('entry')).toMatchObject({ value: { secret: SECRET }, accessLevel: level, owner: 'owner' });
  });

  it('query silently leaves out what the caller may not read', () => {
    ({ memory } = openMemory());
    const levels: AccessLevel[] = ['private', 'team', 'swarm', 'public', 'system'];
    for (const level of levels) memory.store(`k/${level}`, level, { owner: 'owner', teamId: 'T', swarmId: 'S', accessLevel: level });
    const seen = (caller: Caller): string[] => memory.query('k/%', caller).map((e) => e.value as string);
    expect(seen(callers.owner as Caller)).toEqual(['private', 'public', 'swarm', 'team']);
    expect(seen(callers.team as Caller)).toEqual(['public', 'swarm', 'team']);
    expect(seen(callers.swarm as Caller)).toEqual(['public', 'swarm']);
    expect(seen(callers.other as Caller)).toEqual(['public']);
    expect(seen(callers.system as Caller)).toHaveLength(5);
    expect(seen({})).toHaveLength(5);
    expect(memory.query('k/%', { ...callers.other, limit: 1 }).map((e) => e.value)).toEqual(['public']);
    expect(memory.query('k/%', { ...callers.team, limit: 1, offset: 1 }).map((e) => e.value)).toEqual(['swarm']);
  });

  it('a missing entry reads as null, not as denied', () => {
    ({ memory } = openMemory());
    expect(memory.retrieve('nothing', callers.other)).toBeNull();
    expect(memory.delete('nothing', callers.other)).toBe(false);
  });
});

describe('grants and blocks', () => {
  it('a grant adds permissions beyond the level and revoke takes them back', () => {
    seed('private');
    const stranger = callers.other as Caller;
    memory.grantPermission('entry', 'stranger', ['read'], callers.owner);
    expect(attempt('read', stranger)).toBe(true);
    expect(attempt('write', stranger)).toBe(false);
    expect(memory.query('entry', stranger)).toHaveLength(1);
    expect(memory.getACL('entry')?.grantedPermissions).toEqual({ stranger: ['read'] });
    memory.revokePermission('entry', 'stranger', ['read'], callers.owner);
    expect(attempt('read', stranger)).toBe(false);
    expect(memory.getACL('entry')?.grantedPermissions).toEqual({});
  });

  it('revoke without permissions removes every grant of that agent', () => {
    seed('private');
    memory.grantPermission('entry', 'stranger', ['read', 'write']);
    memory.revokePermission('entry', 'stranger');
    expect(attempt('read', callers.other as Caller)).toBe(false);
  });

  it('only the owner or a holder of share may grant, block or unblock', () => {
    seed('team');
    const mate = callers.team as Caller;
    expect(() => memory.grantPermission('entry', 'stranger', ['read'], mate)).toThrow(AccessDeniedError);
    expect(() => memory.blockAgent('entry', 'peer', mate)).toThrow(AccessDeniedError);
    memory.grantPermission('entry', 'mate', ['share'], callers.owner);
    memory.grantPermission('entry', 'stranger', ['read'], mate);
    expect(attempt('read', callers.other as Caller)).toBe(true);
  });

  it('a block beats the level and grants, but never the owner', () => {
    seed('public');
    const stranger = callers.other as Caller;
    memory.grantPermission('entry', 'stranger', ['read', 'write']);
    memory.blockAgent('entry', 'stranger', callers.owner);
    expect(attempt('read', stranger)).toBe(false);
    expect(memory.query('%', stranger)).toEqual([]);
    expect(memory.getACL('entry')?.blockedAgents).toEqual(['stranger']);
    expect(() => memory.blockAgent('entry', 'owner')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    memory.unblockAgent('entry', 'stranger', callers.owner);
    expect(attempt('write', stranger)).toBe(true);
  });

  it('grants on a missing entry fail with NOT_FOUND; bad permissions with INVALID_ARGUMENT', () => {
    seed('private');
    expect(() => memory.grantPermission('nope', 'a', ['read'])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => memory.grantPermission('entry', 'a', ['fly' as Permission])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(memory.getACL('entry')?.grantedPermissions).toEqual({});
  });

  it('deleting an entry drops its ACL, so a new entry under the key starts clean', () => {
    seed('private');
    memory.grantPermission('entry', 'stranger', ['read']);
    memory.delete('entry');
    memory.store('entry', 'new', { agentId: 'owner' });
    expect(attempt('read', callers.other as Caller)).toBe(false);
    expect(memory.stats().tables.memory_acl).toBe(0);
  });

  it('getACL reports owner, level, team and swarm, and needs read', () => {
    seed('team');
    expect(memory.getACL('entry', callers.team)).toMatchObject({
      key: 'entry',
      partition: 'default',
      owner: 'owner',
      accessLevel: 'team',
      teamId: 'T',
      swarmId: 'S',
      blockedAgents: [],
    });
    expect(() => memory.getACL('entry', callers.other)).toThrow(AccessDeniedError);
    expect(memory.getACL('nope')).toBeNull();
  });
});

describe('writes by named callers', () => {
  it('a new entry belongs to its creator, with the caller team and swarm', () => {
    ({ memory } = openMemory());
    memory.store('k', 1, { ...callers.swarm, accessLevel: 'swarm' });
    expect(memory.retrieveEntry('k')).toMatchObject({ owner: 'peer', teamId: 'U', swarmId: 'S', accessLevel: 'swarm' });
  });

  it('a caller cannot create an entry for someone else or a system entry unless it is system', () => {
    ({ memory } = openMemory());
    expect(() => memory.store('k', 1, { agentId: 'a', owner: 'b' })).toThrow(AccessDeniedError);
    expect(() => memory.store('k', 1, { agentId: 'a', accessLevel: 'system' })).toThrow(AccessDeniedError);
    memory.store('k', 1, { agentId: 'root', isSystem: true, owner: 'b', accessLevel: 'system' });
    expect(memory.retrieveEntry('k')).toMatchObject({ owner: 'b', accessLevel: 'system' });
  });

  it('a writer without share keeps owner and level; changing them needs share', () => {
    seed('team');
    const mate = callers.team as Caller;
    memory.store('entry', 'by mate', mate);
    expect(memory.retrieveEntry('entry')).toMatchObject({ value: 'by mate', owner: 'owner', accessLevel: 'team', teamId: 'T' });
    expect(() => memory.store('entry', 'x', { ...mate, accessLevel: 'public' })).toThrow(AccessDeniedError);
    expect(() => memory.store('entry', 'x', { ...mate, owner: 'mate' })).toThrow(AccessDeniedError);
    memory.store('entry', 'public now', { ...callers.owner, accessLevel: 'public' });
    expect(memory.retrieve('entry', callers.other)).toBe('public now');
  });

  it('a write that names no caller keeps an owned entry\'s owner, level, team and swarm', () => {
    seed('team');
    memory.store('entry', 'rewritten');
    expect(memory.retrieveEntry('entry')).toMatchObject({ value: 'rewritten', owner: 'owner', accessLevel: 'team', teamId: 'T', swarmId: 'S' });
    expect(() => memory.retrieve('entry', callers.other)).toThrow(AccessDeniedError);
    memory.store('entry', 'public now', { accessLevel: 'public' });
    expect(memory.retrieveEntry('entry')).toMatchObject({ owner: 'owner', accessLevel: 'public' });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'agent id %s reads and is granted like any other id (no prototype lookup)',
    (id) => {
      seed('private');
      memory.grantPermission('entry', 'someone', ['read'], callers.owner);
      expect(() => memory.retrieve('entry', { agentId: id })).toThrow(AccessDeniedError);
      memory.grantPermission('entry', id, ['read'], callers.owner);
      expect(memory.retrieve('entry', { agentId: id })).toEqual({ secret: SECRET });
      expect(memory.getACL('entry')?.grantedPermissions[id]).toEqual(['read']);
      memory.revokePermission('entry', id, undefined, callers.owner);
      expect(() => memory.retrieve('entry', { agentId: id })).toThrow(AccessDeniedError);
      memory.store(`own-${id}`, 1, { agentId: id });
      expect(memory.retrieve(`own-${id}`, { agentId: id })).toBe(1);
    },
  );

  it('an expired entry can be re-created by anyone, without its old grants', () => {
    const opened = openMemory();
    memory = opened.memory;
    memory.store('k', 1, { agentId: 'a', ttl: 1 });
    memory.grantPermission('k', 'b', ['read'], { agentId: 'a' });
    opened.clock.advance(1000);
    memory.store('k', 2, { agentId: 'c' });
    expect(memory.retrieveEntry('k')).toMatchObject({ owner: 'c', value: 2 });
    expect(() => memory.retrieve('k', { agentId: 'b' })).toThrow(AccessDeniedError);
  });
});
