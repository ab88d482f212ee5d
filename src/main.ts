// The `convergenza` command line: serve | migrate | seed | import registry | audit verify | ente list|add |
// staff invite | openapi.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { AGGREGATIONS, type Config, ConfigError, loadConfig } from './config.ts';
import { invitationUrl, inviteStaff, type StaffRole } from './modules/identity/index.ts';
import { seedPaymentsDemo } from './modules/payments/index.ts';
import {
  importProblemText,
  importRegistryFile,
  importReportLines,
  PopulationExistsError,
  seedPopulation,
  seedPopulationDemo,
} from './modules/registry/index.ts';
import {
  demoSeedPending,
  displayName,
  findEnteRef,
  listEnti,
  onboardComune,
  seedAggregation,
} from './modules/tenancy/index.ts';
import { verifyAudit } from './platform/audit/audit.ts';
import { ROLES } from './platform/auth/policy.ts';
import { type Database, DatabaseUnavailableError, openDatabase } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { translator } from './platform/i18n/index.ts';
import { progressBar } from './platform/progress.ts';
import { platformSecret } from './platform/secrets.repo.ts';

const STAFF_ROLES = ROLES.filter((r): r is StaffRole => r !== 'citizen');

const USAGE = `Usage: convergenza <command>

  serve                         start the server (migrates; seeds the demo aggregation into an empty database)
  migrate                       apply pending database migrations
  seed [--aggregation NAME]     load an aggregation: ${AGGREGATIONS.join(', ')} (default venezia)
  seed population --ente SLUG --size N [--seed S]
                                load a synthetic population (deterministic from the seed) into a
                                comune's empty registry, the demo citizens resident there included
  import registry --ente SLUG FILE
                                import a comune's population registry from a CSV or JSON file
                                (docs/registry-import.md); prints the counts and each record's errors
  audit verify [--ente SLUG]    verify the hash chains of the audit log
  ente list [--sad SLUG]        list enti
  ente add --istat CODE --sad SLUG [--fiscal-code CF] [--slug SLUG] [--host HOST]
                                onboard a comune into a SAD
  staff invite --email E --name N --ente SLUG --role ROLE [--area A]
                                invite a staff member (roles: operator, ente_admin, sad_admin,
                                data_publisher, analyst); prints the activation link
  openapi                       print the OpenAPI document

Configuration comes from environment variables: see README.md.`;

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function open(config: Readonly<Config>): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  await migrate(database);
  return database;
}

async function serve(config: Readonly<Config>): Promise<void> {
  const started = Date.now();
  const database = await open(config);
  if (config.demoSeed !== 'none' && (await demoSeedPending(database.db, config.demoSeed))) {
    const bar = progressBar(`seed ${config.demoSeed}`);
    const { sad } = await seedAggregation(database.db, config.demoSeed, (done, total, name) =>
      bar.update(done, total, name),
    );
    // Demo data only: test IBANs and fees for the demo citizens, never with the `seed` command.
    await seedPaymentsDemo(database.db, sad.id);
    // The demo citizens in their comuni's registries, and a few hundred synthetic people in Jesolo.
    await seedPopulationDemo(database.db, sad.id);
  }
  const { app, worker, shutdown: drain } = await buildApp(config, database);
  await app.listen({ host: config.host, port: config.port });
  if (config.jobs.worker) worker.start();
  app.log.info(
    { startupMs: Date.now() - started, database: database.kind, url: config.publicUrl },
    `Convergenza ready on ${config.publicUrl}`,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      app.log.error('shutdown grace period over: exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    await drain();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      aggregation: { type: 'string' },
      ente: { type: 'string' },
      sad: { type: 'string' },
      istat: { type: 'string' },
      'fiscal-code': { type: 'string' },
      slug: { type: 'string' },
      host: { type: 'string', multiple: true },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      area: { type: 'string', multiple: true },
      size: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();

  if (command === 'serve') {
    await serve(config);
    return -1; // keeps running
  }

  const database = await open(config);
  try {
    switch (command) {
      case 'migrate':
        console.log('database up to date');
        return 0;
      case 'seed': {
        if (sub === 'population') {
          const size = Number(values.size);
          if (!values.ente || !Number.isInteger(size) || size < 0) {
            throw new ConfigError('seed population needs --ente SLUG and --size N (a whole number)');
          }
          const ente = await findEnteRef(database.db, values.ente);
          if (ente.kind !== 'comune' || !ente.istatCode)
            throw new ConfigError(`${values.ente} is not a comune`);
          const bar = progressBar(`population ${ente.slug}`);
          const result = await seedPopulation(
            database.db,
            { enteId: ente.id, istatCode: ente.istatCode, size, seed: values.seed },
            (done, total) => bar.update(done, total),
          );
          const rate = Math.round(result.persons / Math.max(result.ms / 1000, 0.001));
          console.log(
            `${displayName(ente)}: ${result.persons} persons in ${result.families} families ` +
              `(${result.omocodia} omocodia codes) in ${(result.ms / 1000).toFixed(1)} s, ${rate} persons/s`,
          );
          return 0;
        }
        const name = values.aggregation ?? 'venezia';
        if (!AGGREGATIONS.includes(name as never)) throw new ConfigError(`unknown aggregation "${name}"`);
        const bar = progressBar(`seed ${name}`);
        const result = await seedAggregation(database.db, name, (done, total, n) =>
          bar.update(done, total, n),
        );
        console.log(
          `${result.sad.name}: ${result.created} comuni added, ${result.total - result.created} already present`,
        );
        return 0;
      }
      case 'import': {
        const file = positionals[2];
        if (sub !== 'registry' || !values.ente || !file) {
          throw new ConfigError('import registry needs --ente SLUG and a FILE');
        }
        const ente = await findEnteRef(database.db, values.ente);
        const bar = progressBar(`import ${ente.slug}`);
        const started = Date.now();
        const name = file.split(/[\\/]/).pop() ?? file;
        const result = await importRegistryFile(
          database.db,
          ente.id,
          { name, bytes: readInput(file) },
          (done, total) => bar.update(done, total),
        );
        const t = translator('en');
        if ('problem' in result) throw new ConfigError(importProblemText(t, result.problem));
        const seconds = (Date.now() - started) / 1000;
        console.log(`${displayName(ente)}: ${result.summary.rowsTotal} records in ${seconds.toFixed(1)} s`);
        for (const line of importReportLines(t, result)) console.log(line);
        return result.summary.counts.error === 0 ? 0 : 1;
      }
      case 'audit': {
        if (sub !== 'verify') break;
        const ente = values.ente ? await findEnteRef(database.db, values.ente) : undefined;
        const bar = progressBar('audit verify');
        const report = await verifyAudit(database.db, {
          enteId: ente?.id,
          onProgress: (n) => bar.update(n, n),
        });
        for (const problem of report.problems) {
          console.log(`BROKEN ente ${problem.enteId}: first bad event #${problem.seq} (${problem.reason})`);
        }
        console.log(`${report.chains} chains, ${report.events} events, ${report.problems.length} broken`);
        return report.problems.length === 0 ? 0 : 1;
      }
      case 'ente': {
        if (sub === 'list') {
          const sad = values.sad ? await findEnteRef(database.db, values.sad) : undefined;
          const { items } = await listEnti(database.db, { sadId: sad?.id, limit: 1000, offset: 0 });
          for (const e of items) console.log([e.slug, e.kind, e.istatCode ?? '', displayName(e)].join('\t'));
          return 0;
        }
        if (sub === 'add') {
          if (!values.istat || !values.sad) throw new ConfigError('ente add needs --istat and --sad');
          const sad = await findEnteRef(database.db, values.sad);
          const created = await onboardComune(
            database.db,
            { subject: 'system:cli' },
            {
              istatCode: values.istat,
              sadId: sad.id,
              fiscalCode: values['fiscal-code'],
              slug: values.slug,
              hosts: values.host,
            },
          );
          console.log(`added ${displayName(created)} at /${created.slug}`);
          return 0;
        }
        break;
      }
      case 'staff': {
        if (sub !== 'invite') break;
        if (!values.email || !values.ente || !values.role) {
          throw new ConfigError('staff invite needs --email, --ente and --role');
        }
        if (!STAFF_ROLES.includes(values.role as StaffRole)) {
          throw new ConfigError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
        }
        const ente = await findEnteRef(database.db, values.ente);
        const { invitation } = await inviteStaff(
          {
            db: database.db,
            sealKey: await platformSecret(database.db, 'seal'),
            timeouts: config.session,
            // The link is also e-mailed (queued: a running server's worker delivers it).
            publicUrl: config.publicUrl,
          },
          'system:cli',
          {
            email: values.email,
            displayName: values.name ?? values.email,
            enteId: ente.id,
            role: values.role as StaffRole,
            areas: values.area,
          },
        );
        console.log(
          invitation
            ? `activation link (valid 7 days): ${invitationUrl(config.publicUrl, invitation)}`
            : `role ${values.role} added to the existing account ${values.email}`,
        );
        return 0;
      }
      case 'openapi': {
        const { app } = await buildApp(config, database, { logger: false });
        await app.ready();
        console.log(JSON.stringify(app.swagger(), null, 2));
        await app.close();
        return 0;
      }
    }
    console.error(USAGE);
    return 2;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: Error & { fields?: { field: string; message: string }[] }) => {
    if (
      error instanceof DatabaseUnavailableError ||
      error instanceof ConfigError ||
      error instanceof PopulationExistsError
    ) {
      console.error(`convergenza: ${error.message}`);
    } else if (error.name === 'AppError') {
      const fields = (error.fields ?? []).map((f) => `${f.field} ${f.message}`).join('; ');
      console.error(`convergenza: ${error.message}${fields ? ` (${fields})` : ''}`);
    } else {
      console.error(`convergenza: ${error.stack ?? error.message}`);
    }
    process.exit(1);
  },
);
