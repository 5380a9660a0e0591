/** Entry point of `npm run bench -- <name> [options]`: each benchmark prints a table. */
const BENCHES: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  eventStore: () => import('./eventStore.js'),
  projections: () => import('./projections.js'),
  api: () => import('./api.js'),
};

const name = process.argv[2];
const load = name ? BENCHES[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
  process.exit(2);
}
await (await load()).main();
