import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/modules/auth/viewer.js';
import { createServices } from '../../src/services.js';
import { signedInUser } from '../support/editorial.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

describe.each(databaseKinds())('the publish hook on %s', (kind) => {
  let server: TestServer;
  let viewer: Viewer;

  beforeAll(async () => {
    server = await startServer(kind);
    const editor = await signedInUser(server, 'hooks@example.com', 'EDITOR', 'Hook Editor');
    viewer = {
      userId: editor.userId,
      email: 'hooks@example.com',
      displayName: 'Hook Editor',
      role: 'EDITOR',
      authorId: editor.authorId,
      credential: { kind: 'session', sessionId: 0 },
    };
  });
  afterAll(() => server?.close());

  it('runs once the publication has committed, and its failure does not undo it', async () => {
    const seen: (string | null)[] = [];
    const services = createServices({
      db: server.db,
      config: server.config,
      hooks: {
        onPostPublished: async (postId) => {
          // Read on the read side, which only sees committed writes.
          seen.push((await services.posts.findPublishedById(postId))?.title ?? null);
          throw new Error('the pings could not be queued');
        },
      },
    });
    const { post } = await services.postEditor.create(viewer, { title: 'Hook after commit' });
    const published = await services.postEditor.publish(viewer, String(post!.id), null);
    expect(published.errors).toEqual([]);
    expect(seen).toEqual(['Hook after commit']);
    const updated = await services.postEditor.update(viewer, String(post!.id), { title: 'Edited' });
    expect(updated.errors).toEqual([]);
    expect(seen).toEqual(['Hook after commit', 'Edited']);
    expect((await services.posts.findPublishedById(post!.id))?.title).toBe('Edited');
  });
});
