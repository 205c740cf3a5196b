import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntitySchema, Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Database } from '../../src/db/database.js';
import { modules } from '../../src/modules/index.js';
import type { JobQueue } from '../../src/modules/jobs/job-queue.js';
import { composeServices, defineModule, type ModuleDeps } from '../../src/modules/module.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

/**
 * A whole new domain, written the way one is added to Colloquy: a module
 * declaring its SDL, resolvers, entity, migration, services, loaders, route
 * and job — and one line in the list. Nothing central is touched.
 */
interface EntryRow {
  id: number;
  name: string;
  thanked: boolean;
}

class Guestbook1900000000000 implements MigrationInterface {
  name = 'Guestbook1900000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'guestbook_entries',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'thanked', type: 'boolean', default: false },
        ],
      }),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('guestbook_entries');
  }
}

class GuestbookService {
  constructor(private readonly deps: { db: Database; jobs: JobQueue }) {}
  sign(name: string): Promise<EntryRow> {
    return this.deps.db.write(async (em) => {
      const entry = await em
        .getRepository<EntryRow>('GuestbookEntry')
        .save({ name, thanked: false });
      await this.deps.jobs.enqueue('guestbook.thank', { id: entry.id });
      return entry;
    });
  }
  list(): Promise<EntryRow[]> {
    return this.deps.db.read
      .getRepository<EntryRow>('GuestbookEntry')
      .find({ order: { id: 'ASC' } });
  }
  async thank(id: number): Promise<void> {
    await this.deps.db.write((em) =>
      em.getRepository<EntryRow>('GuestbookEntry').update({ id }, { thanked: true }),
    );
  }
}

const guestbookModule = defineModule({
  name: 'guestbook',
  typeDefs: [
    /* GraphQL */ `
      type GuestbookEntry {
        id: ID!
        name: String!
        thanked: Boolean!
      }
      extend type Query {
        guestbook: [GuestbookEntry!]!
      }
      extend type Mutation {
        signGuestbook(name: String!): GuestbookEntry!
      }
    `,
  ],
  resolvers: [
    {
      Query: {
        guestbook: (
          _: unknown,
          __: unknown,
          ctx: { loaders: { entries: () => Promise<EntryRow[]> } },
        ) => ctx.loaders.entries(),
      },
      Mutation: {
        signGuestbook: (
          _: unknown,
          args: { name: string },
          ctx: { services: { guestbook: GuestbookService } },
        ) => ctx.services.guestbook.sign(args.name),
      },
      GuestbookEntry: { id: (e: EntryRow) => String(e.id) },
    } as never,
  ],
  entities: () => [
    new EntitySchema<EntryRow>({
      name: 'GuestbookEntry',
      tableName: 'guestbook_entries',
      columns: {
        id: { type: 'integer', primary: true, generated: 'increment' },
        name: { type: 'varchar', length: 100 },
        thanked: { type: 'boolean', default: false },
      },
    }),
  ],
  migrations: [Guestbook1900000000000],
  services: ({ db, jobs }: ModuleDeps<{ jobs: JobQueue }>) => ({
    guestbook: new GuestbookService({ db, jobs }),
  }),
  loaders: ({ guestbook }) => {
    let entries: Promise<EntryRow[]> | undefined;
    return { entries: () => (entries ??= guestbook.list()) };
  },
  routes: async (app, { guestbook }) => {
    app.get('/guestbook.txt', async (_req, reply) =>
      reply.type('text/plain').send((await guestbook.list()).map((e) => e.name).join('\n')),
    );
  },
  jobs: ({ guestbook }) => ({
    'guestbook.thank': (payload) => guestbook.thank((payload as { id: number }).id),
  }),
});

describe.each(databaseKinds())('a new domain is one folder and one line, on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    // The one line: the module added to the list.
    server = await startServer(kind, {
      modules: [...modules, guestbookModule],
    });
  });
  afterAll(() => server?.close());

  it('gets its table, schema, services, loaders, route and job from its declaration alone', async () => {
    const signed = await server.gql<{ signGuestbook: { id: string; name: string } }>(
      'mutation { signGuestbook(name: "Ada") { id name } }',
    );
    expect(signed.errors).toBeUndefined();
    expect(signed.data?.signGuestbook.name).toBe('Ada');

    const listed = await server.gql<{ guestbook: { name: string }[] }>('{ guestbook { name } }');
    expect(listed.data?.guestbook).toEqual([{ name: 'Ada' }]);

    const text = await fetch(`${server.url}/guestbook.txt`);
    expect(await text.text()).toBe('Ada');

    // The app's worker runs the module's job handler.
    for (let i = 0; i < 100; i++) {
      const [entry] = await server.repo<EntryRow>('GuestbookEntry').find();
      if (entry?.thanked) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await server.repo<EntryRow>('GuestbookEntry').find())[0]?.thanked).toBe(true);

    // The app's own modules are all still there.
    const post = await server.gql<{ post: { commentCount: number } }>(
      '{ post(slug: "social-media-surgery-for-mental-health-smsmhealth") { commentCount } }',
    );
    expect(post.data?.post.commentCount).toBe(1);
  });
});

describe('composing modules', () => {
  it('says which module needs a service that no module before it provides', () => {
    const needy = defineModule({
      name: 'needy',
      services: ({ jobs }: ModuleDeps<{ jobs: JobQueue }>) => ({ needy: jobs }),
    });
    const core = {
      db: {} as Database,
      config: {} as never,
      settings: {} as never,
      events: {} as never,
    };
    expect(() => composeServices([needy], core)).toThrow(
      'module "needy" needs the service "jobs", which no module before it provides',
    );
  });

  it('lists every module of the app once, each named after its folder', () => {
    const names = modules.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(
        fs.existsSync(path.resolve(import.meta.dirname, `../../src/modules/${name}/index.ts`)),
      ).toBe(true);
    }
    expect(names).toEqual(
      expect.arrayContaining(['site', 'auth', 'posts', 'comments', 'linkbacks', 'share', 'jobs']),
    );
  });
});
