import { In, type DataSource } from 'typeorm';
import type { LinkbackRow } from '../../db/entities.js';

export class LinkbacksService {
  constructor(private readonly deps: { dataSource: DataSource }) {}

  /** Approved linkbacks of each post, oldest first, in one statement. */
  async approvedByPostIds(postIds: readonly number[]): Promise<Map<number, LinkbackRow[]>> {
    const rows = await this.deps.dataSource.getRepository<LinkbackRow>('Linkback').find({
      where: { postId: In([...postIds]), status: 'APPROVED' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const byPost = new Map<number, LinkbackRow[]>(postIds.map((id) => [id, []]));
    for (const row of rows) byPost.get(row.postId)?.push(row);
    return byPost;
  }
}
