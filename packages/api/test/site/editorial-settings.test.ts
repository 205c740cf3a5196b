import { SettingsStore } from '../../src/db/settings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingRow } from '../../src/db/settings.js';
import type { ShareTargetRow } from '../../src/modules/share/entities.js';
import { SiteService, applyStoredPublicUrl } from '../../src/modules/site/site.service.js';
import { templateError } from '../../src/modules/share/share.service.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const TARGET = 'key name label urlTemplate enabled retired retiredReason position';
const CREATE = `mutation($input: CreateShareTargetInput!) { createShareTarget(input: $input) {
  shareTarget { ${TARGET} } errors { field code message } } }`;
const UPDATE = `mutation($input: UpdateShareTargetInput!) { updateShareTarget(input: $input) {
  shareTarget { ${TARGET} } errors { field code message } } }`;
const REORDER = `mutation($keys: [String!]!) { reorderShareTargets(keys: $keys) {
  shareTargets { key position } errors { field code } } }`;

interface Target {
  key: string;
  enabled: boolean;
  position: number;
  urlTemplate: string;
}

describe('share target templates', () => {
  it.each([
    'https://example.com/share?u={url}&t={title}&e={excerpt}',
    'mailto:?subject={title}&body={url}',
    'HTTPS://example.com/{title}',
  ])('accepts %s', (template) => {
    expect(templateError(template)).toBeNull();
  });
  it.each([
    ['http://example.com/?u={url}', /https:\/\/ or mailto:/],
    ['javascript:alert({title})', /https:\/\/ or mailto:/],
    ['{url}', /https:\/\/ or mailto:/],
    ['data:text/html,{title}', /https:\/\/ or mailto:/],
    ['https://example.com/?u={link}', /Unknown placeholder \{link\}/],
    ['https://example.com/?u={URL}', /Unknown placeholder/],
    ['https://example.com/?u={url', /Braces/],
    ['https://{title}.example.com/', /host/],
    ['https://user:pw@example.com/{url}', /valid URL/],
    ['https://', /valid URL/],
    ['', /Please enter/],
  ])('refuses %s', (template, message) => {
    expect(templateError(template)).toMatch(message);
  });
});

describe.each(databaseKinds())('editorial API: share targets and site settings on %s', (kind) => {
  let server: TestServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind);
    admin = await signedInUser(server, 'admin@example.com', 'ADMIN', 'Ada Admin');
  });
  afterAll(async () => {
    await server?.close();
  });

  const as = <T>(query: string, variables?: Record<string, unknown>) =>
    server.gqlAs<T>(admin.token, query, variables);
  const publicKeys = async () =>
    (
      await server.gql<{ shareTargets: { key: string }[] }>('{ shareTargets { key } }')
    ).data!.shareTargets.map((t) => t.key);
  const count = () => server.repo<ShareTargetRow>('ShareTarget').count();

  it('lists every target for administrators, retired ones with their reason', async () => {
    const res = await as<{
      editorShareTargets: (Target & { retired: boolean; retiredReason: string | null })[];
    }>(`{ editorShareTargets { ${TARGET} } }`);
    const targets = res.data!.editorShareTargets;
    expect(targets).toHaveLength(8);
    expect(targets.map((t) => t.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(targets.find((t) => t.key === 'flattr')).toMatchObject({
      retired: true,
      enabled: false,
      retiredReason: expect.stringMatching(/2023/),
    });
  });

  it('creates a target at the end, refuses bad keys and templates at their field, changing nothing', async () => {
    const before = await count();
    const bad = await as<{ createShareTarget: { shareTarget: null; errors: UserError[] } }>(
      CREATE,
      {
        input: { key: 'Bad Key', name: '', label: 'x', urlTemplate: 'javascript:alert({title})' },
      },
    );
    expect(bad.data!.createShareTarget.errors.map((e) => [e.field, e.code])).toEqual([
      ['key', 'INVALID_KEY'],
      ['name', 'REQUIRED'],
      ['urlTemplate', 'INVALID_TEMPLATE'],
    ]);
    const placeholder = await as<{ createShareTarget: { errors: UserError[] } }>(CREATE, {
      input: {
        key: 'mastodon',
        name: 'Mastodon',
        label: 'Toot',
        urlTemplate: 'https://x.example/?t={content}',
      },
    });
    expect(placeholder.data!.createShareTarget.errors).toEqual([
      {
        field: 'urlTemplate',
        code: 'INVALID_TEMPLATE',
        message: expect.stringContaining('{content}'),
      },
    ]);
    const taken = await as<{ createShareTarget: { errors: UserError[] } }>(CREATE, {
      input: { key: 'twitter', name: 'X', label: 'Post', urlTemplate: 'https://x.com/?u={url}' },
    });
    expect(taken.data!.createShareTarget.errors.map((e) => e.code)).toEqual(['KEY_TAKEN']);
    expect(await count()).toBe(before);

    const ok = await as<{ createShareTarget: { shareTarget: Target; errors: UserError[] } }>(
      CREATE,
      {
        input: {
          key: 'email',
          name: 'Email',
          label: 'Send by email',
          urlTemplate: 'mailto:?subject={title}&body={url}',
        },
      },
    );
    expect(ok.data!.createShareTarget).toMatchObject({
      shareTarget: { key: 'email', enabled: true, position: 9 },
      errors: [],
    });
    expect(await publicKeys()).toContain('email');
  });

  it('disables, re-enables and edits a target through update; refuses a bad template there too', async () => {
    const off = await as<{ updateShareTarget: { shareTarget: Target } }>(UPDATE, {
      input: { key: 'reddit', enabled: false },
    });
    expect(off.data!.updateShareTarget.shareTarget.enabled).toBe(false);
    expect(await publicKeys()).not.toContain('reddit');
    await as(UPDATE, { input: { key: 'reddit', enabled: true } });
    expect(await publicKeys()).toContain('reddit');

    const bad = await as<{ updateShareTarget: { errors: UserError[] } }>(UPDATE, {
      input: { key: 'reddit', urlTemplate: 'http://www.reddit.com/submit?url={url}' },
    });
    expect(bad.data!.updateShareTarget.errors.map((e) => [e.field, e.code])).toEqual([
      ['urlTemplate', 'INVALID_TEMPLATE'],
    ]);
    const stored = await server
      .repo<ShareTargetRow>('ShareTarget')
      .findOneByOrFail({ key: 'reddit' });
    expect(stored.urlTemplate).toBe('https://www.reddit.com/submit?url={url}&title={title}');

    const retire = await as<{ updateShareTarget: { errors: UserError[] } }>(UPDATE, {
      input: { key: 'tumblr', retired: true },
    });
    expect(retire.data!.updateShareTarget.errors.map((e) => [e.field, e.code])).toEqual([
      ['retiredReason', 'REQUIRED'],
    ]);
    const unknown = await as<{ updateShareTarget: { errors: UserError[] } }>(UPDATE, {
      input: { key: 'myspace', enabled: true },
    });
    expect(unknown.data!.updateShareTarget.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('reorders: listed keys first, the rest after in their order', async () => {
    const res = await as<{
      reorderShareTargets: {
        shareTargets: { key: string; position: number }[];
        errors: UserError[];
      };
    }>(REORDER, { keys: ['pinterest', 'facebook'] });
    expect(res.data!.reorderShareTargets.errors).toEqual([]);
    expect(res.data!.reorderShareTargets.shareTargets.slice(0, 3).map((t) => t.key)).toEqual([
      'pinterest',
      'facebook',
      'twitter',
    ]);
    expect((await publicKeys()).slice(0, 3)).toEqual(['pinterest', 'facebook', 'twitter']);
    const bad = await as<{ reorderShareTargets: { errors: UserError[] } }>(REORDER, {
      keys: ['twitter', 'nope', 'twitter'],
    });
    expect(bad.data!.reorderShareTargets.errors.map((e) => e.code)).toEqual([
      'NOT_FOUND',
      'DUPLICATE_KEY',
    ]);
    expect((await publicKeys())[0]).toBe('pinterest');
  });

  it('updates the site title and description; PUBLIC_URL in the environment wins over publicUrl', async () => {
    const UPDATE_SITE = `mutation($t: String, $d: String, $u: String) { updateSite(title: $t, description: $d, publicUrl: $u) {
      site { title description url } errors { field code } } }`;
    const res = await as<{ updateSite: { site: unknown; errors: UserError[] } }>(UPDATE_SITE, {
      t: ' My  blog ',
      d: 'About things',
    });
    expect(res.data!.updateSite).toEqual({
      site: { title: 'My blog', description: 'About things', url: TEST_PUBLIC_URL },
      errors: [],
    });
    const env = await as<{ updateSite: { site: null; errors: UserError[] } }>(UPDATE_SITE, {
      t: 'Changed',
      u: 'https://other.example.org',
    });
    expect(env.data!.updateSite.errors).toEqual([
      { field: 'publicUrl', code: 'SET_BY_ENVIRONMENT' },
    ]);
    const blank = await as<{ updateSite: { errors: UserError[] } }>(UPDATE_SITE, { t: '  ' });
    expect(blank.data!.updateSite.errors).toEqual([{ field: 'title', code: 'REQUIRED' }]);
    const site = await server.gql<{ site: { title: string; url: string } }>(
      '{ site { title url } }',
    );
    expect(site.data!.site).toEqual({ title: 'My blog', url: TEST_PUBLIC_URL });
  });

  it('tells an admin ahead of a save that PUBLIC_URL fixes the URL; tells nobody else', async () => {
    const QUERY = '{ site { url urlReadOnlyReason } }';
    const asAdmin = await as<{ site: { urlReadOnlyReason: string | null } }>(QUERY);
    expect(asAdmin.data!.site.urlReadOnlyReason).toBe(
      'PUBLIC_URL is set in the server environment, and it wins: change it there (or unset it to manage the URL here).',
    );
    const editor = await signedInUser(server, 'editor-url@example.com', 'EDITOR');
    const asEditor = await server.gqlAs<{ site: { urlReadOnlyReason: string | null } }>(
      editor.token,
      QUERY,
    );
    expect(asEditor.data!.site.urlReadOnlyReason).toBeNull();
    const anonymous = await server.gql<{ site: { urlReadOnlyReason: string | null } }>(QUERY);
    expect(anonymous.data!.site).toEqual({ url: TEST_PUBLIC_URL, urlReadOnlyReason: null });

    // Without PUBLIC_URL in the environment, the URL is the admin's to change: no reason.
    const site = new SiteService({
      config: { ...server.config, publicUrlSource: 'default' as const },
      settings: new SettingsStore({ db: server.db }),
    });
    expect(
      site.urlReadOnlyReason({
        userId: admin.userId,
        email: 'admin@example.com',
        displayName: 'Ada Admin',
        role: 'ADMIN',
        authorId: admin.authorId,
        credential: { kind: 'session', sessionId: 0 },
      }),
    ).toBeNull();
  });

  it('without PUBLIC_URL, the saved public URL applies at once and at the next start', async () => {
    const config = {
      ...server.config,
      publicUrlSource: 'default' as const,
      publicUrl: 'http://127.0.0.1:4000',
    };
    const site = new SiteService({
      config,
      settings: new SettingsStore({ db: server.db }),
    });
    const viewer = {
      userId: admin.userId,
      email: 'admin@example.com',
      displayName: 'Ada Admin',
      role: 'ADMIN' as const,
      authorId: admin.authorId,
      credential: { kind: 'session' as const, sessionId: 0 },
    };
    const bad = await site.updateSite(viewer, { publicUrl: 'https://x.example/?q' });
    expect(bad.errors.map((e) => [e.field, e.code])).toEqual([['publicUrl', 'INVALID_URL']]);
    const ok = await site.updateSite(viewer, { publicUrl: 'https://news.example.org/' });
    expect(ok.site?.url).toBe('https://news.example.org');
    expect(config.publicUrl).toBe('https://news.example.org');

    const restarted = {
      ...server.config,
      publicUrlSource: 'default' as const,
      publicUrl: 'http://127.0.0.1:4000',
    };
    await applyStoredPublicUrl(restarted, server.db);
    expect(restarted).toMatchObject({
      publicUrl: 'https://news.example.org',
      publicUrlSource: 'setting',
    });
    const fromEnv = { ...server.config };
    await applyStoredPublicUrl(fromEnv, server.db);
    expect(fromEnv.publicUrl).toBe(TEST_PUBLIC_URL);
    await server.repo<SettingRow>('Setting').delete({ key: 'site.publicUrl' });
  });
});
