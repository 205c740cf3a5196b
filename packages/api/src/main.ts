import os from 'node:os';
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

  // SIGTERM or SIGINT: stop accepting connections, let the requests in
  // progress finish (for SHUTDOWN_TIMEOUT_SECONDS at most, then close their
  // connections), let the job in progress finish, close the database.
  // Exit status: 0 when everything finished, 1 when connections had to be
  // closed; a second signal exits at once with 128 + its number.
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`colloquy: ${signal} received again, exiting without waiting`);
      process.exit(128 + os.constants.signals[signal]);
    }
    stopping = true;
    const seconds = config.shutdownTimeoutMs / 1000;
    console.log(
      `colloquy: ${signal} received, shutting down (requests in progress have ${seconds} s to finish)`,
    );
    let forced = false;
    const deadline = setTimeout(() => {
      forced = true;
      app.server.getConnections((_error, count) => {
        console.error(
          `colloquy: ${count} connection(s) still busy after ${seconds} s, closing them`,
        );
        app.server.closeAllConnections();
      });
      // Whatever still holds the shutdown up (a job that does not end) gets as long again.
      setTimeout(() => {
        console.error('colloquy: shutdown still not finished, exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    }, config.shutdownTimeoutMs);
    try {
      await app.close();
      clearTimeout(deadline);
      await db.close();
    } catch (error) {
      console.error(`colloquy: shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
    console.log(
      forced
        ? 'colloquy: shut down (after closing connections whose requests had not finished)'
        : 'colloquy: shut down cleanly',
    );
    process.exit(forced ? 1 : 0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
