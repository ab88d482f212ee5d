// The ceiling: the smallest Fastify app (the project's fastify version) answering a small JSON on GET /.
// Usage: node --import tsx bench/lib/bare-server.ts PORT
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
