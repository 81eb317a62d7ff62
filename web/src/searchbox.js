// The search box that every page can show: a form that goes to the search page.
import { t } from './i18n.js';
import { h } from './dom.js';
import { urls } from './api.js';

let counter = 0;

export function searchBox(base, { value = '', extra = {}, onsubmit } = {}) {
  counter += 1;
  const id = `search-q-${counter}`;
  const input = h('input', {
    id, type: 'search', name: 'q', value, placeholder: t('searchPlaceholder'), autocomplete: 'off',
  });
  const form = h('form', {
    class: 'search-box', role: 'search', method: 'get', action: `${base}/collections/twins/items`,
    onsubmit: (event) => {
      event.preventDefault();
      const params = { ...extra };
      const q = input.value.trim();
      if (q) params.q = q; else delete params.q;
      if (onsubmit) onsubmit(params);
      else window.location.href = urls.search(base, params);
    },
  },
  h('label', { for: id }, t('searchLabel')),
  h('div', { class: 'search-row' }, input, h('button', { type: 'submit' }, t('searchButton'))));
  return { form, input };
}
