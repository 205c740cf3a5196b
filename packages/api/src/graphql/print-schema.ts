import { buildASTSchema, lexicographicSortSchema, parse, printSchema, concatAST } from 'graphql';
import { typeDefsOf } from './type-defs.js';

/** The merged schema as committed in packages/api/schema.graphql. */
export function printedSchema(): string {
  const ast = concatAST(typeDefsOf().map((sdl) => parse(sdl)));
  return `${printSchema(lexicographicSortSchema(buildASTSchema(ast)))}\n`;
}
