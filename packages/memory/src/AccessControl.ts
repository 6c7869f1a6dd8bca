import { AccessDeniedError } from './MemoryError.js';
import type { AccessControlEntry, AccessLevel, Caller, Permission } from './types.js';

/** How a caller relates to an entry, most specific first. */
export type Relation = 'owner' | 'team' | 'swarm' | 'other';

/** The parts of an entry access control looks at. */
export type AccessTarget = Pick<AccessControlEntry, 'key' | 'partition' | 'owner' | 'accessLevel' | 'teamId' | 'swarmId'>;

/** Grants and blocks of an entry (`memory_acl`). */
export type AccessGrants = Pick<AccessControlEntry, 'grantedPermissions' | 'blockedAgents'>;

const ALL: readonly Permission[] = ['read', 'write', 'delete', 'share'];
const READ_WRITE: readonly Permission[] = ['read', 'write'];
const READ: readonly Permission[] = ['read'];
const NONE: readonly Permission[] = [];

/**
 * What each relation may do at each level. `system` entries are reserved to callers with
 * `isSystem` (who may do anything to any entry); a block beats every other rule but ownership;
 * a grant adds permissions on top of the level.
 */
export const ACCESS_MATRIX: Readonly<Record<AccessLevel, Readonly<Record<Relation, readonly Permission[]>>>> = {
  private: { owner: ALL, team: NONE, swarm: NONE, other: NONE },
  team: { owner: ALL, team: READ_WRITE, swarm: NONE, other: NONE },
  swarm: { owner: ALL, team: READ_WRITE, swarm: READ_WRITE, other: NONE },
  public: { owner: ALL, team: READ, swarm: READ, other: READ },
  system: { owner: NONE, team: NONE, swarm: NONE, other: NONE },
};

/** The access rules of `memory_entries`, in one place. */
export class AccessControl {
  /** How `caller` relates to `target`. */
  static relation(caller: Caller, target: AccessTarget): Relation {
    if (caller.agentId !== undefined && caller.agentId === target.owner) return 'owner';
    if (caller.teamId !== undefined && caller.teamId === target.teamId) return 'team';
    if (caller.swarmId !== undefined && caller.swarmId === target.swarmId) return 'swarm';
    return 'other';
  }

  /** Whether `caller` holds `permission` on `target`. A caller naming no agent is trusted code. */
  static allows(caller: Caller, target: AccessTarget, permission: Permission, grants?: AccessGrants | null): boolean {
    const agentId = caller.agentId;
    if (agentId === undefined) return true;
    const relation = AccessControl.relation(caller, target);
    if (relation !== 'owner' && grants?.blockedAgents.includes(agentId)) return false;
    if (caller.isSystem === true) return true;
    if (grants?.grantedPermissions[agentId]?.includes(permission)) return true;
    return ACCESS_MATRIX[target.accessLevel][relation].includes(permission);
  }

  /** Throws AccessDeniedError unless `allows`; the message names the key, never the value. */
  static assert(caller: Caller, target: AccessTarget, permission: Permission, grants?: AccessGrants | null): void {
    if (!AccessControl.allows(caller, target, permission, grants)) {
      throw new AccessDeniedError(
        `agent '${caller.agentId}' may not ${permission} '${target.key}' in partition '${target.partition}' (${target.accessLevel})`,
      );
    }
  }

  /**
   * Whether `caller` may create an entry shaped like `target`: a named caller creates entries it
   * owns, and only system callers create `system` entries or entries owned by someone else.
   */
  static assertCreate(caller: Caller, target: AccessTarget): void {
    if (caller.agentId === undefined || caller.isSystem === true) return;
    if (target.owner !== caller.agentId || target.accessLevel === 'system') {
      throw new AccessDeniedError(
        `agent '${caller.agentId}' may not create '${target.key}' in partition '${target.partition}' as ${target.accessLevel} entry of '${target.owner}'`,
      );
    }
  }
}
