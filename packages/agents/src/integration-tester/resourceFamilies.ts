import type { ApiOperation } from '../kit/openapi/operations.js';

/**
 * A resource and the operations on it, grouped by the item path (`/api/products/{id}`): the
 * collection's list and create, the item's read/update/delete, and sub-resources below the item
 * (`/api/carts/{id}/items`, `/api/carts/{id}/summary`).
 */
export interface ResourceFamily {
  collection: string;
  item: string;
  param: string;
  list?: ApiOperation;
  create?: ApiOperation;
  read?: ApiOperation;
  update?: ApiOperation;
  remove?: ApiOperation;
  /** GETs below the item. */
  subReads: ApiOperation[];
  /** Writes below the item: those with a body first (adding state), then actions without one. */
  subWrites: ApiOperation[];
}

/** The families of the document: every path whose first templated segment is a trailing `{param}` of an item path. */
export function resourceFamilies(operations: readonly ApiOperation[]): ResourceFamily[] {
  const families = new Map<string, ResourceFamily>();
  for (const op of operations) {
    const match = /^(.*?)\/\{([^}]+)\}/.exec(op.path);
    if (!match) continue;
    const [item = '', collection = '', param = ''] = match;
    if (collection === '') continue;
    const family = families.get(item) ?? { collection, item, param, subReads: [], subWrites: [] };
    families.set(item, family);
    if (op.path === item) {
      if (op.method === 'GET') family.read = op;
      else if (op.method === 'PUT' || (op.method === 'PATCH' && family.update === undefined)) family.update = op;
      else if (op.method === 'DELETE') family.remove = op;
    } else if (op.path.startsWith(`${item}/`) && !op.path.slice(item.length).includes('{')) {
      if (op.method === 'GET') family.subReads.push(op);
      else if (op.method !== 'DELETE') family.subWrites.push(op);
    }
  }
  for (const op of operations) {
    const family = [...families.values()].find((f) => f.collection === op.path);
    if (!family) continue;
    if (op.method === 'GET') family.list = op;
    if (op.method === 'POST') family.create = op;
  }
  for (const family of families.values()) family.subWrites.sort((a, b) => Number(b.body !== undefined) - Number(a.body !== undefined));
  return [...families.values()];
}
