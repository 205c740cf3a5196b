import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import { printedSchema } from '../../src/graphql/print-schema.js';

const FIX = 'run `pnpm --filter @colloquy/api generate` and commit the result';

describe('committed schema and generated types', () => {
  it(`schema.graphql matches the modules' SDL (${FIX})`, () => {
    const committed = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../schema.graphql'),
      'utf8',
    );
    expect(committed).toBe(printedSchema());
  });

  it(`generated resolver and document types match schema.graphql (${FIX})`, async () => {
    const outputs = await generate({ ...config, silent: true }, false);
    expect(outputs.length).toBe(4);
    for (const output of outputs) {
      expect(fs.readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  });
});
