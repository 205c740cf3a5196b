/**
 * colloquy/writes-through-unit-of-work: a write to the database (save,
 * insert, update, delete … on a TypeORM repository or query builder) must
 * be made on the unit of work's manager, `em`, which only `db.write(em => …)`
 * hands out. The check follows the receiver back to where it came from:
 * `em.getRepository(X).save()` and `const repo = em.getRepository(X);
 * repo.save()` pass; `this.repo.save()` or `db.read.createQueryBuilder()
 * .delete()` are reported. Calls that involve no repository (a Map's
 * delete, a Set's clear) are left alone.
 */
/** The repository and query-builder methods that write. */
export const WRITES = new Set([
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'softDelete',
  'softRemove',
  'restore',
  'increment',
  'decrement',
  'clear',
]);
const ORM_CALLS = new Set(['getRepository', 'createQueryBuilder', 'getTreeRepository']);
const REPO_NAME = /repo|repository/i;
const UNIT_OF_WORK_MANAGER = 'em';

const unwrap = (node) => {
  while (
    node &&
    (node.type === 'ChainExpression' ||
      node.type === 'TSNonNullExpression' ||
      node.type === 'AwaitExpression' ||
      node.type === 'TSAsExpression')
  ) {
    node = node.expression ?? node.argument;
  }
  return node;
};

const propertyName = (member) =>
  !member.computed && member.property.type === 'Identifier' ? member.property.name : null;

function findVariable(scope, name) {
  for (let s = scope; s; s = s.upper) {
    const variable = s.set.get(name);
    if (variable) return variable;
  }
  return null;
}

/** Where the receiver comes from: { root, orm } (root: the innermost object; orm: a repository is involved). */
function trace(node, scope, depth = 0) {
  let orm = false;
  node = unwrap(node);
  for (;;) {
    if (node.type === 'CallExpression') {
      const callee = unwrap(node.callee);
      if (callee.type === 'MemberExpression' && ORM_CALLS.has(propertyName(callee))) orm = true;
      node = callee;
    } else if (node.type === 'MemberExpression') {
      const name = propertyName(node);
      if (name && REPO_NAME.test(name)) orm = true;
      node = unwrap(node.object);
    } else break;
  }
  if (node.type === 'Identifier' && node.name !== UNIT_OF_WORK_MANAGER && depth < 5) {
    if (REPO_NAME.test(node.name)) orm = true;
    const variable = findVariable(scope, node.name);
    const def = variable?.defs.length === 1 ? variable.defs[0] : null;
    if (def?.type === 'Variable' && def.node.init) {
      const inner = trace(def.node.init, scope, depth + 1);
      return { root: inner.root, orm: orm || inner.orm };
    }
  }
  return { root: node, orm };
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Database writes go through the unit of work (db.write(em => …)).' },
    schema: [],
    messages: {
      outside:
        '`{{method}}` writes outside the unit of work: make it on the `em` that db.write(em => …) hands out (see packages/api/src/db/database.ts).',
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = unwrap(node.callee);
        if (callee.type !== 'MemberExpression') return;
        const method = propertyName(callee);
        if (!method || !WRITES.has(method)) return;
        const { root, orm } = trace(callee.object, context.sourceCode.getScope(node));
        if (!orm) return;
        if (root.type === 'Identifier' && root.name === UNIT_OF_WORK_MANAGER) return;
        context.report({ node, messageId: 'outside', data: { method } });
      },
    };
  },
};
