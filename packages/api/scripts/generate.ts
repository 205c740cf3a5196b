// Prints schema.graphql from the modules' SDL, then generates the resolver
// types (API) and typed documents (SPA) from it.
import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';
import { printedSchema } from '../src/graphql/print-schema.js';

const schemaFile = path.resolve(import.meta.dirname, '../schema.graphql');
fs.writeFileSync(schemaFile, printedSchema());
await generate(config, true);
console.log('wrote schema.graphql and generated types');
