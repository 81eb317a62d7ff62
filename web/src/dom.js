// A small helper to build elements: h('a', {href, class: 'x', onclick}, 'text', child...).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

// A definition list of [label, value] pairs, leaving out empty values.
export function definitions(pairs, className = 'properties') {
  const list = h('dl', { class: className });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
    list.append(h('dt', {}, label), h('dd', {}, value));
  }
  return list;
}

// A link that is only made for http(s) addresses; anything else is shown as text.
export function safeLink(href, label, attributes = {}) {
  try {
    const url = new URL(href, window.location.href);
    if (url.protocol === 'http:' || url.protocol === 'https:') return h('a', { href: url.href, ...attributes }, label ?? href);
  } catch { /* not a URL */ }
  return h('span', {}, label ?? href);
}
