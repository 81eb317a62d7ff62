// The Tweeling web UI. Every HTML page of twin-registry and twin-federation loads this module; it
// reads what the page is from <body data-page data-base data-kind data-json>, hides the
// server-rendered content (the fallback without JavaScript) and renders its own in <div id="app">.
import { t, lang, setLang } from './i18n.js';
import { pageContext, urls } from './api.js';
import { h, clear } from './dom.js';

const pages = {
  landing: () => import('./pages/landing.js'),
  catalog: () => import('./pages/landing.js'),
  search: () => import('./pages/search.js'),
  record: () => import('./pages/record.js'),
  sources: () => import('./pages/sources.js'),
  source: () => import('./pages/sources.js'),
  twin: () => import('./pages/twin.js'),
};

const context = pageContext();
let disposeCurrent = null;

function appRoot() {
  let root = document.getElementById('app');
  if (!root) {
    root = h('div', { id: 'app' });
    const main = document.querySelector('body > main');
    if (main) main.before(root); else document.body.prepend(root);
  }
  return root;
}

function header() {
  const { base, kind, page } = context;
  const navItem = (href, label, current) =>
    h('li', {}, h('a', { href, 'aria-current': current ? 'page' : undefined }, label));
  const items = [
    navItem(urls.home(base), t('navHome'), page === 'landing' || page === 'catalog'),
    navItem(urls.search(base, {}), t('navSearch'), page === 'search' || page === 'record'),
  ];
  if (kind === 'hub') {
    items.push(navItem(urls.sourcesPage(base), t('navSources'), page === 'sources' || page === 'source'));
    items.push(navItem(urls.twinPage(base), t('navTwin'), page === 'twin'));
  }
  const other = lang() === 'nl' ? 'en' : 'nl';
  return h('header', { class: 'app-header' },
    h('a', { class: 'skip-link', href: '#app-main' }, t('skipToContent')),
    h('a', { class: 'brand', href: urls.home(base) }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◧'),
      t('appName'), h('span', { class: 'brand-kind' }, t(kind === 'hub' ? 'kindHub' : 'kindNode'))),
    h('nav', { 'aria-label': t('siteNavigation') }, h('ul', {}, items)),
    h('button', {
      type: 'button', class: 'lang-toggle', lang: other, 'aria-label': t('languageToggleLabel'),
      onclick: () => { setLang(other); render(); },
    }, t('languageToggle')));
}

async function render() {
  if (disposeCurrent) { disposeCurrent(); disposeCurrent = null; }
  document.documentElement.lang = lang();
  const root = clear(appRoot());
  const main = h('main', { id: 'app-main', tabindex: '-1', class: `page page-${context.page}` });
  root.append(header(), main);
  const load = pages[context.page];
  if (!load) {
    document.body.classList.remove('has-app');
    return;
  }
  document.body.classList.add('has-app');
  try {
    const module = await load();
    disposeCurrent = (await module.render(main, context)) || null;
  } catch (error) {
    // Without the app the server-rendered page is still there: show it again.
    console.error(error);
    clear(root);
    document.body.classList.remove('has-app');
  }
}

render();
