import { EntitySchema } from 'typeorm';
import { ID_COLUMN, type DbKind } from '../../db/columns.js';

export interface ShareTargetRow {
  id: number;
  key: string;
  name: string;
  label: string;
  /** URL with {url}, {title} and {excerpt} placeholders. */
  urlTemplate: string;
  enabled: boolean;
  retired: boolean;
  retiredReason: string | null;
  position: number;
}

/** Share targets. */
export function shareEntities(_kind: DbKind) {
  const id = ID_COLUMN;

  const ShareTarget = new EntitySchema<ShareTargetRow>({
    name: 'ShareTarget',
    tableName: 'share_targets',
    columns: {
      id,
      key: { type: 'varchar', length: 50, unique: true },
      name: { type: 'varchar', length: 100 },
      label: { type: 'varchar', length: 100 },
      urlTemplate: { type: 'varchar', length: 500, name: 'url_template' },
      enabled: { type: 'boolean' },
      retired: { type: 'boolean' },
      retiredReason: { type: 'varchar', length: 300, name: 'retired_reason', nullable: true },
      position: { type: 'integer' },
    },
  });

  return [ShareTarget];
}
