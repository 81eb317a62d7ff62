// The landing page and the catalog page: what this catalog holds, a search box, themes and types
// with their counts as ways in, and the links for machines.
import { t, valueLabel, formatNumber } from '../i18n.js';
import { h, safeLink } from '../dom.js';
import { getJson, urls, failure } from '../api.js';
import { searchBox } from '../searchbox.js';

export async function render(main, context) {
  const { base, kind } = context;
  const title = h('h1', {}, t('appName'));
  const intro = h('p', { class: 'lead' }, t('landingIntro'));
  const { form } = searchBox(base);
  const counts = h('p', { class: 'muted', 'aria-live': 'polite' }, t('loading'));
  const browse = h('div', { class: 'browse' });
  const machines = h('section', { class: 'card', 'aria-labelledby': 'machines-heading' },
    h('h2', { id: 'machines-heading' }, t('apiLinks')));
  main.append(h('section', { class: 'hero' }, title, intro, form, counts), browse, machines);

  getJson(context.json || `${base}/`).then((doc) => {
    if (doc.title) title.textContent = doc.title;
    if (doc.description) intro.textContent = doc.description;
    const links = (doc.links || []).filter((link) => link.type !== 'text/html');
    machines.append(h('ul', { class: 'link-list' }, links.map((link) => h('li', {},
      safeLink(link.href, link.title || link.rel), ' ', h('span', { class: 'muted' }, link.type || '')))));
  }).catch(() => {});

  const facetNames = kind === 'hub' ? 'themes,type,validation' : 'themes,type';
  try {
    const result = await getJson(urls.itemsJson(base, { facets: facetNames, limit: 1 }));
    counts.textContent = t('recordsInCatalog', { count: formatNumber(result.numberMatched ?? 0) });
    const group = (name, heading) => {
      const values = (result.facets && result.facets[name]) || [];
      if (!values.length) return null;
      return h('section', { class: 'card', 'aria-labelledby': `browse-${name}` },
        h('h2', { id: `browse-${name}` }, heading),
        h('ul', { class: 'chips' }, values.map(({ value, count }) => h('li', {},
          h('a', { class: 'chip', href: urls.search(base, { [name]: value }) },
            valueLabel(name, value), h('span', { class: 'count' }, formatNumber(count)))))));
    };
    browse.append(
      group('themes', t('browseThemes')),
      group('type', t('browseTypes')),
      kind === 'hub' ? group('validation', t('facet_validation')) : null,
      h('p', {}, h('a', { class: 'button', href: urls.search(base, {}) }, t('allRecords'))));
  } catch (error) {
    counts.textContent = failure(error);
  }
}
