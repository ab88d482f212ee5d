// The server of the certificates benchmark: what `convergenza serve` runs (buildApp on the configured
// database, migrated), plus the certificates' render threads started the way src/app.ts is to start them
// (`app.addHook('onClose', startCertificateRendering(config.certificatesRenderThreads))`). Once app.ts
// does, starting them here again only replaces threads that never started (they start on first use).
// Usage: node --import tsx bench/lib/certificates-server.ts (configured by the environment, as serve).
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startCertificateRendering } from '../../src/modules/certificates/certificate-pdf.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';

const config = loadConfig();
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: config.databasePoolSize,
});
await migrate(database);
const { app, shutdown } = await buildApp(config, database);
app.addHook('onClose', startCertificateRendering(config.certificatesRenderThreads));
await app.listen({ host: config.host, port: config.port });
process.once('SIGTERM', () => {
  void shutdown()
    .then(() => database.close())
    .then(() => process.exit(0));
});
