import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import unitOfWork from '../../../../eslint-rules/unit-of-work.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
});
const error = (method: string) => ({ messageId: 'outside', data: { method } });

// `pnpm lint` runs this rule over packages/api/src (outside src/db/): a write
// made anywhere but on the unit of work's manager fails the lint.
tester.run('colloquy/writes-through-unit-of-work', unitOfWork, {
  valid: [
    "db.write((em) => em.getRepository('Post').save({ id: 1 }));",
    "db.write(async (em) => { const repo = em.getRepository('Tag'); await repo.delete({ id: 1 }); });",
    "async function replaceTags(em) { await em.getRepository('Tag').createQueryBuilder().insert().values([]).execute(); }",
    // Not the database: a Set's delete and a Map's clear.
    'class Q { listeners = new Set(); off(l) { this.listeners.delete(l); this.listeners.clear(); } }',
    "db.read.getRepository('Post').find({ where: { id: 1 } });",
  ],
  invalid: [
    { code: 'this.repo.save({ id: 1 });', errors: [error('save')] },
    {
      code: "dataSource.getRepository('Post').update({ id: 1 }, { title: 'x' });",
      errors: [error('update')],
    },
    { code: "const r = ds.getRepository('Post'); r.delete({ id: 1 });", errors: [error('delete')] },
    { code: 'db.read.createQueryBuilder().delete().execute();', errors: [error('delete')] },
    {
      code: "this.deps.db.read.getRepository('Job').createQueryBuilder().update().set({}).execute();",
      errors: [error('update')],
    },
    { code: 'const tagRepo = this.repo; await tagRepo.insert({});', errors: [error('insert')] },
  ],
});
