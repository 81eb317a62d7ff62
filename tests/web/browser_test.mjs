#!/usr/bin/env node
// The web UI in a real browser against the real programs.
//
//   node tests/web/browser_test.mjs --bin BUILD/bin --web web/dist [--keep] [--shots DIR]
//
// Starts, on free 127.0.0.1 ports: the sample 3D Tiles (deploy/sample_tiles.py), two registry
// nodes with their sample records (Amsterdam and Rotterdam, `twin-registry import` then `serve`),
// and a hub harvesting both (`twin-federation sources add --allow-private --public-key`, `serve`),
// the servers with `--web-dir`. Then Debian's Chromium (headless, through playwright-core) uses the
// hub's pages as a person would: search, a facet, panning the map, a record, the sources and the
// national 3D view; axe-core checks each page (no serious or critical violation), no request leaves
// this machine, and no page breaks its Content Security Policy. Screenshots of the search, record,
// sources and 3D pages go to docs/screenshots/ (README, "Web UI: the pages"). Everything started
// is stopped.
// Needs `cd web && npm ci && npm run build` (tests/run.sh does it) and the Debian package chromium.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const binDir = resolve(option('bin', join(root, 'build', 'bin')));
const webDir = resolve(option('web', join(root, 'web', 'dist')));
const shotsDir = resolve(option('shots', join(root, 'docs', 'screenshots')));
const keep = args.includes('--keep');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const results = [];
const children = [];
// The last part of each server's stderr, shown when the setup fails.
const logs = {};
const tmp = mkdtempSync(join(tmpdir(), 'tweeling-web-'));

function log(message) {
  process.stdout.write(`${message}\n`);
}

function record(name, ok, detail = '') {
  results.push({ name, ok });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

async function check(name, fn) {
  try {
    const detail = await fn();
    record(name, true, typeof detail === 'string' ? detail : '');
  } catch (error) {
    record(name, false, error.message.split('\n').slice(0, 6).join('\n'));
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 20000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) { last = error; }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
}

// Runs a program to its end; rejects with its output when it fails.
function run(program, programArgs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, programArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${program} ${programArgs.join(' ')} exited ${code}: ${out}`))));
  });
}

// Starts a server; resolves with its URL once it printed "listening on http://…".
function start(name, program, programArgs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, programArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    logs[name] = '';
    child.stderr.on('data', (data) => { logs[name] = (logs[name] + data).slice(-20000); });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 20000);
    child.stderr.on('data', (data) => {
      output += data;
      // Only a whole address: stderr arrives in pieces, and "http://127.0.0.1:80" may be the start
      // of "http://127.0.0.1:8043". The port is complete once something other than a digit follows.
      const match = /listening on (http:\/\/[0-9.]+:[0-9]+)[^0-9]/.exec(output);
      if (match) { clearTimeout(timer); resolvePromise(match[1]); }
    });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited ${code}: ${output}`)); });
  });
}

// A GET on a fresh connection each time (no keep-alive: a server may close an idle connection
// that a pooling client would reuse): {status, type, body}.
function get(url, accept = 'application/json') {
  return new Promise((resolvePromise, reject) => {
    const request = http.get(url, { agent: false, headers: { Accept: accept } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolvePromise({ status: response.statusCode, type: response.headers['content-type'] || '', body }));
    });
    request.setTimeout(10000, () => request.destroy(new Error(`${url}: no answer in 10 s`)));
    request.on('error', reject);
  });
}

async function getJson(url) {
  const response = await get(url);
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${response.body.slice(0, 200)}`);
  return JSON.parse(response.body);
}

async function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode !== null ? null
    : new Promise((r) => { const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 5000); child.on('exit', () => { clearTimeout(t); r(); }); }))));
  if (!keep) rmSync(tmp, { recursive: true, force: true });
}

async function startFederation() {
  const registry = join(binDir, 'twin-registry');
  const federation = join(binDir, 'twin-federation');
  for (const program of [registry, federation]) assert(existsSync(program), `${program} is not built`);
  assert(existsSync(join(webDir, 'app.js')), `${webDir}/app.js is missing: run cd web && npm ci && npm run build`);
  const tiles = await start('sample_tiles.py', 'python3', [join(root, 'deploy', 'sample_tiles.py'), join(root, 'deploy', 'samples'), join(tmp, 'local')]);
  const nodes = {};
  for (const [id, file, name] of [['gm0363', 'gm0363-amsterdam.json', 'Gemeente Amsterdam (GM0363)'],
    ['gm0599', 'gm0599-rotterdam.json', 'Gemeente Rotterdam (GM0599)']]) {
    const db = join(tmp, `${id}.db`);
    await run(registry, ['import', '--db', db, '--node-id', id, join(tmp, 'local', 'samples', file)]);
    nodes[id] = await start(id, registry, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--node-id', id,
      '--name', name, '--quiet', '--web-dir', webDir]);
  }
  const hubDb = join(tmp, 'hub.db');
  for (const [id, url] of Object.entries(nodes)) {
    const { publicKey } = await until(`${id}'s key`, () => getJson(`${url}/.well-known/tweeling.json`), 10000);
    await run(federation, ['sources', 'add', '--db', hubDb, '--hub-id', 'nl', '--id', id, '--url', url, '--every', '1m',
      '--allow-private', '--public-key', publicKey]);
  }
  const hub = await start('hub', federation, ['serve', '--db', hubDb, '--listen', '127.0.0.1:0', '--hub-id', 'nl',
    '--name', 'Nationale digital twin (test)', '--quiet', '--web-dir', webDir]);
  await until('the first harvest', async () => (await getJson(`${hub}/sources`)).sources.every((s) => s.lastAttempt), 30000);
  // The probes run after the harvest; the national tileset holds the sample tilesets once they passed.
  const twin = await until('the national tileset', async () => {
    const tileset = await getJson(`${hub}/twin/tileset.json`);
    return tileset.root?.children?.length >= 2 ? tileset : null;
  }, 60000, 500);
  return { hub, nodes, tiles, twin };
}

async function axe(page, name) {
  const source = readFileSync(join(root, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's Content Security Policy does not govern.
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const run = await axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !serious.includes(v));
  if (minor.length) log(`  axe (${name}), minor: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  assert(!serious.length, `axe found on ${name}: ${serious.map((v) => `${v.id} (${v.impact}: ${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
  return `${result.length} minor or moderate findings`;
}

async function matched(page) {
  return Number(await page.getAttribute('#app-main .result-count', 'data-matched'));
}

async function mapFeatures(page) {
  return Number(await page.getAttribute('#results-map', 'data-features'));
}

async function resultIds(page) {
  return page.$$eval('#app-main .results .result', (items) => items.map((item) => item.dataset.id).join(','));
}

async function main() {
  let playwright;
  try {
    playwright = await import(pathToFileURL(join(root, 'web', 'node_modules', 'playwright-core', 'index.mjs')).href);
  } catch {
    throw new Error('playwright-core is not installed: cd web && npm ci');
  }
  assert(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium (deploy/install-deps.sh --tests)`);
  const { hub, tiles, twin } = await startFederation();
  log(`hub ${hub}, sample tiles ${tiles}`);

  const launchArgs = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) launchArgs.push('--no-sandbox');
  const browser = await playwright.chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL' });
  const outside = [];
  const problems = [];
  const requests = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    requests.push(request.url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !['127.0.0.1', 'localhost'].includes(url.hostname)) outside.push(request.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  mkdirSync(shotsDir, { recursive: true });

  try {
    // ---- search
    await check('search page renders the app, results and the map', async () => {
      await page.goto(`${hub}/collections/twins/items?f=html`);
      await page.waitForSelector('body.has-app #app-main .results .result', { timeout: 20000 });
      await page.waitForSelector('#results-map[data-ready="true"]', { timeout: 30000 });
      assert(await page.getAttribute('html', 'lang') === 'nl', 'the page is not Dutch by default');
      assert(!(await page.isVisible('body > main')), 'the server-rendered content is still shown');
      return `${await matched(page)} records, ${await mapFeatures(page)} footprints`;
    });
    await check('search box: searching updates the URL and the results', async () => {
      const before = await matched(page);
      await page.fill('#app-main form[role="search"] input[type="search"]', 'gebouwen');
      await page.press('#app-main form[role="search"] input[type="search"]', 'Enter');
      await until('q in the URL', async () => new URL(page.url()).searchParams.get('q') === 'gebouwen');
      await until('the results of the search', async () => (await matched(page)) !== before && (await matched(page)) > 0);
      return `${before} → ${await matched(page)} records`;
    });
    await check('facets come with counts and clicking one narrows results, counts and map', async () => {
      await page.waitForSelector('#app-main fieldset.facet[data-facet="formats"] input[value="3dtiles"]', { timeout: 20000 });
      const before = { matched: await matched(page), features: await mapFeatures(page), ids: await resultIds(page) };
      const facetCount = Number(await page.textContent('#app-main fieldset.facet[data-facet="formats"] li:has(input[value="3dtiles"]) .count'));
      await page.click('#app-main fieldset.facet[data-facet="formats"] li:has(input[value="3dtiles"]) label');
      await until('formats=3dtiles in the URL', async () => new URL(page.url()).searchParams.get('formats') === '3dtiles');
      await until('fewer results', async () => (await matched(page)) < before.matched);
      await until('fewer footprints on the map', async () => (await mapFeatures(page)) < before.features);
      await page.waitForSelector('#app-main fieldset.facet[data-facet="formats"] input[value="3dtiles"]:checked');
      assert(facetCount === await matched(page), `the facet said ${facetCount}, the search found ${await matched(page)}`);
      return `${before.matched} → ${await matched(page)} records, ${before.features} → ${await mapFeatures(page)} footprints`;
    });
    await check('every facet the page offers narrows the search by its own parameter', async () => {
      const facets = await page.$$eval('#app-main fieldset.facet', (sets) => sets.map((set) => set.dataset.facet));
      const tried = [];
      const baseline = await matched(page);
      for (const facet of facets) {
        if (facet === 'formats') continue;
        // The counts shown are those of the current search once its facets have arrived.
        await page.waitForLoadState('networkidle');
        const first = `#app-main fieldset.facet[data-facet="${facet}"] li:first-child`;
        const value = await page.getAttribute(`${first} input`, 'value');
        const count = Number(await page.textContent(`${first} .count`));
        await page.click(`${first} label`);
        await until(`${facet} in the URL`, async () => new URL(page.url()).searchParams.get(facet) === value);
        try {
          await until(`${facet}=${value}: as many records as the facet said`, async () => (await matched(page)) === count);
        } catch (error) {
          throw new Error(`${facet}=${value}: the facet said ${count}, the page shows ${await matched(page)} (${page.url()})`);
        }
        await page.click(`#app-main fieldset.facet[data-facet="${facet}"] li:has(input[value="${value}"]) label`);
        await until(`${facet} out of the URL`, async () => !new URL(page.url()).searchParams.get(facet));
        await until(`${facet} unticked: the results as before`, async () => (await matched(page)) === baseline);
        tried.push(`${facet}=${value} (${count})`);
      }
      assert(facets.includes('license') && facets.includes('origin') && facets.includes('validation'),
             `the hub search page lacks a facet: ${facets.join(', ')}`);
      return tried.join(', ');
    });
    await check('hovering a result highlights it (and its footprint)', async () => {
      // Hovered (and focused) again on every try: a search answer still on its way from the
      // previous step re-renders the list under a mouse that does not move (slow servers: the
      // sanitized build).
      await until('the hover mark', async () => {
        await page.hover('#app-main .results .result:first-child h3 a');
        return page.$('#app-main .results .result.hover');
      });
      await until('the focus mark', async () => {
        await page.focus('#app-main .results .result:last-child h3 a');
        return page.$('#app-main .results .result:last-child.hover');
      });
    });
    await check('panning the map sets the bbox filter and changes the results', async () => {
      const before = { ids: await resultIds(page), matched: await matched(page) };
      const box = await page.locator('#results-map canvas').boundingBox();
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const bboxBefore = new URL(page.url()).searchParams.get('bbox');
        const x = box.x + box.width / 2; const y = box.y + box.height / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + box.width * 0.1, y + box.height * 0.45, { steps: 12 });
        await page.mouse.up();
        await until('the bbox in the URL', async () => {
          const bbox = new URL(page.url()).searchParams.get('bbox');
          return bbox && bbox !== bboxBefore;
        }, 10000);
        await page.waitForTimeout(800);
        if ((await resultIds(page)) !== before.ids) break;
      }
      const after = { ids: await resultIds(page), matched: await matched(page) };
      assert(after.ids !== before.ids, `the results stayed ${before.ids}`);
      return `bbox=${new URL(page.url()).searchParams.get('bbox')}: ${before.matched} → ${after.matched} records`;
    });
    await check('the search page state is in its URL (shareable)', async () => {
      const shared = page.url();
      const other = await context.newPage();
      await other.goto(shared);
      await other.waitForSelector('#app-main .result-count[data-matched]', { timeout: 20000 });
      const same = await other.getAttribute('#app-main .result-count', 'data-matched') === String(await matched(page));
      await other.close();
      assert(same, 'the same URL gives another result');
    });
    await check('search page passes axe (no serious or critical violation)', () => axe(page, 'search'));
    await check('screenshot of the search page', async () => {
      await page.goto(`${hub}/collections/twins/items?f=html&q=gebouwen`);
      await page.waitForSelector('#app-main fieldset.facet', { timeout: 20000 });
      await page.waitForSelector('#results-map[data-features]', { timeout: 30000 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(shotsDir, 'search.png') });
    });
    await check('narrow screen: the map is above the list', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(500);
      const map = await page.locator('#results-map').boundingBox();
      const list = await page.locator('#app-main .results').boundingBox();
      await page.setViewportSize({ width: 1280, height: 800 });
      assert(map.y + map.height <= list.y, `map at ${map.y}, list at ${list.y}`);
    });

    // ---- record
    await check('record page: properties, distributions with probe results, provenance, signature, forms', async () => {
      await page.goto(`${hub}/collections/twins/items?f=html&q=gebouwen&formats=3dtiles`);
      await page.waitForSelector('#app-main .results .result h3 a');
      const link = page.locator('#app-main .results .result h3 a', { hasText: 'Amsterdam' }).first();
      await link.click();
      await page.waitForSelector('#app-main .record-head h1', { timeout: 20000 });
      const text = await page.textContent('#app-main');
      assert(/ondertekend door gm0363, geverifieerd/.test(text), 'no "ondertekend door gm0363, geverifieerd"');
      assert(/Geoogst via bron/.test(text) && /gm0363/.test(text), 'no provenance');
      assert(await page.$('#app-main .distribution table.checks td code'), 'no probe results under the distribution');
      for (const f of ['json', 'jsonld', 'ttl']) assert(await page.$(`#app-main .forms a[href$="?f=${f}"]`), `no link to ?f=${f}`);
      for (const label of ['Titel', 'Uitgever', 'Thema’s', 'Licentie', 'Bijgewerkt', 'Coördinatenstelsels']) {
        assert(text.includes(label), `no property label ${label}`);
      }
      const jsonld = await page.getAttribute('#app-main .forms a[href$="?f=jsonld"]', 'href');
      const response = await get(jsonld, '*/*');
      assert(response.status === 200 && /ld\+json/.test(response.type), `${jsonld} is not JSON-LD`);
    });
    await check('record page: 3D preview loads the record’s tileset', async () => {
      await page.waitForSelector('#app-main .viewer canvas', { timeout: 30000 });
      await until('the tileset requested', async () => requests.some((url) => url.startsWith(tiles) && url.includes('tileset.json')), 30000);
    });
    await check('record page passes axe', () => axe(page, 'record'));
    await check('screenshot of the record page', async () => {
      await page.waitForTimeout(2000);
      await page.screenshot({ path: join(shotsDir, 'record.png') });
    });
    await check('language: English by the toggle, remembered, and by ?lang=en', async () => {
      await page.click('.app-header .lang-toggle');
      await until('English labels', async () => (await page.textContent('.app-header nav')).includes('Search'));
      assert(await page.getAttribute('html', 'lang') === 'en', 'html lang is not en');
      await page.reload();
      await until('English after a reload', async () => (await page.textContent('.app-header nav') || '').includes('Search'));
      const english = await page.textContent('#app-main');
      assert(/signed by gm0363, verified/.test(english), 'the record page is not in English');
      await page.click('.app-header .lang-toggle');
      await until('Dutch again', async () => (await page.textContent('.app-header nav')).includes('Zoeken'));
      await page.goto(`${hub}/?f=html&lang=en`);
      await until('English from ?lang=en', async () => (await page.textContent('.app-header nav') || '').includes('Search'));
      // A shared link to a search in English: the server lets the page's language through.
      const response = await page.goto(`${hub}/collections/twins/items?f=html&q=gebouwen&lang=en`);
      assert(response.status() === 200, `a search page with lang=en answered ${response.status()}`);
      await until('an English search page', async () => (await page.textContent('.app-header nav') || '').includes('Search'));
      await page.click('.app-header .lang-toggle');
      await until('Dutch again', async () => (await page.textContent('.app-header nav')).includes('Zoeken'));
    });

    // ---- sources
    await check('sources page: state, last harvest, counts, quality score and latest report per source', async () => {
      await page.goto(`${hub}/sources?f=html`);
      await page.waitForSelector('#app-main .source', { timeout: 20000 });
      const count = await page.locator('#app-main .source').count();
      assert(count === 2, `${count} sources shown`);
      const text = await page.textContent('#app-main');
      for (const label of ['Laatste poging', 'Records', 'Kwaliteitsscore', 'Laatste oogstrapport', 'Geweigerde records en redenen']) {
        assert(text.includes(label), `no ${label}`);
      }
      assert(await page.$('#app-main .source meter'), 'no quality score');
    });
    await check('sources page passes axe', () => axe(page, 'sources'));
    await check('screenshot of the sources page', () => page.screenshot({ path: join(shotsDir, 'sources.png'), fullPage: true }));
    await check('one source page', async () => {
      await page.click('#app-main .source h2 a');
      await page.waitForSelector('#app-main .source', { timeout: 20000 });
      assert((await page.textContent('#app-main')).includes('Controles'), 'no checks of the source');
    });

    // ---- the national 3D twin
    await check('3D view loads /twin/tileset.json and a child tileset', async () => {
      const first = requests.length;
      await page.goto(`${hub}/twin`);
      await page.waitForSelector('#app-main .viewer canvas', { timeout: 30000 });
      const childUris = twin.root.children.map((child) => child.content.uri.replace(/\?.*$/, ''));
      await until('/twin/tileset.json', async () => requests.slice(first).some((url) => url.startsWith(`${hub}/twin/tileset.json`)), 30000);
      await until('a child tileset', async () => requests.slice(first).some((url) => childUris.includes(url.replace(/\?.*$/, ''))), 60000, 500);
      return `${requests.slice(first).filter((url) => childUris.includes(url.replace(/\?.*$/, ''))).length} child tilesets requested`;
    });
    await check('3D view passes axe', () => axe(page, 'twin'));
    await check('screenshot of the 3D view', async () => {
      await until('the camera at the tileset', () => page.$('body[data-twin-ready="true"]'), 30000);
      await page.waitForTimeout(2500);
      await page.screenshot({ path: join(shotsDir, 'twin.png') });
    });

    // ---- landing
    await check('landing page: search box leads to the search page', async () => {
      await page.goto(`${hub}/?f=html`);
      await page.fill('#app-main form[role="search"] input', 'hittestress');
      await page.press('#app-main form[role="search"] input', 'Enter');
      await page.waitForURL(/collections\/twins\/items\?.*q=hittestress/, { timeout: 20000 });
      await page.waitForSelector('#app-main .results .result', { timeout: 20000 });
    });
    await check('landing page passes axe', () => axe(page, 'landing'));

    await check('nothing was requested from outside this machine', async () => {
      assert(!outside.length, outside.slice(0, 5).join(', '));
      return `${requests.length} requests`;
    });
    await check('no page error and no Content Security Policy violation', async () => {
      assert(!problems.length, problems.slice(0, 5).join('\n'));
    });
  } finally {
    await browser.close();
  }
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  record('setup', false, `${error.message.split('\n').slice(0, 3).join('\n')}${error.cause ? ` (${error.cause.message || error.cause})` : ''}`);
  for (const [name, text] of Object.entries(logs)) log(`--- ${name}, last lines:\n${text.split('\n').slice(-8).join('\n')}`);
} finally {
  await stopAll();
}
const failed = results.filter((r) => !r.ok).length;
log(`${results.length - failed} passed, ${failed} failed`);
if (failed) exitCode = 1;
process.exit(exitCode);
