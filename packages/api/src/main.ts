import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openConfiguredDatabase, StartupError } from './startup.js';

function fail(message: string): never {
  console.error(`colloquy: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  // Serving the build is production unless told otherwise: Vue's server
  // renderer (imported when the app is built, below) and the libraries it
  // loads choose their production code by NODE_ENV.
  if (!config.webDev) process.env.NODE_ENV ??= 'production';
  // Apollo Client (the server renderer's) has no NODE_ENV switch: its
  // development checks (freezing every result, extra invariants) run unless
  // this global says otherwise.
  if (process.env.NODE_ENV === 'production')
    (globalThis as { __DEV__?: boolean }).__DEV__ ??= false;

  let db;
  try {
    db = await openConfiguredDatabase(config, {
      info: (line) => console.log(line),
      error: (line) => console.error(line),
    });
  } catch (error) {
    if (error instanceof StartupError) fail(error.message);
    throw error;
  }

  const app = await buildApp({ config, db });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    fail(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const local = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // PORT=0 picks a free port: the default public URL can only be known now.
  if (config.publicUrlSource === 'default' && config.port === 0) config.publicUrl = local;
  console.log(
    `colloquy: serving on ${local} (public URL ${config.publicUrl}, database ${config.database.kind})`,
  );
  console.log(`colloquy: open ${config.publicUrl}/ in your browser`);

  const stop = async (signal: string) => {
    console.log(`colloquy: ${signal} received, shutting down`);
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

await main();
