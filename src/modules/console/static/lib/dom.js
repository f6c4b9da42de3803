// @ts-check
// Building DOM without innerHTML: every string becomes a text node, so record data can never become markup.

/**
 * h('div.card.wide', { onClick, title }, child, [children], 'text')
 * Props: class, dataset, on<Event> handlers, DOM properties (value, checked, disabled…), other attributes.
 * The props object may be left out: h('p', 'text').
 */
export function h(tag, props, ...children) {
  if (
    props === null ||
    props === undefined ||
    typeof props !== 'object' ||
    props instanceof Node ||
    Array.isArray(props)
  ) {
    if (props !== null && props !== undefined) children.unshift(props);
    props = {};
  }
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  let value;
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') value = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'multiple' || k === 'hidden') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  // After the children: a <select>'s value needs its options.
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === true) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const text = (s) => document.createTextNode(s ?? '');
