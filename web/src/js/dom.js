// Building DOM nodes. Service data always goes in as text nodes or attribute values, never
// as HTML: there is no innerHTML anywhere in the dashboard.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.setAttribute('class', value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (key === 'hidden') node.hidden = true;
    else if (key === 'value') node.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'required') node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** `el('p', {class: 'x'}, 'text', otherNode)`: strings become text nodes. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

/** The same for SVG elements (the history chart). */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Shows `message` in a form's `error` node and, when the answer names a field, marks that
 *  field invalid and moves the focus to it. */
export function showFieldError(error, message, field) {
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
  fill(error, message);
}

/** Clears a form's error and its fields' invalid marks before a new submit. */
export function clearFieldErrors(error, fields) {
  fill(error);
  for (const field of Object.values(fields)) field.removeAttribute('aria-invalid');
}
