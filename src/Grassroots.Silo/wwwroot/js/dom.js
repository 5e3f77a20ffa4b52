// A few DOM helpers so views build elements with text content (never HTML strings from data).

export const $ = id => document.getElementById(id);

/** `el('td', { className: 'text' }, 'text', childElement)`; attributes with `data-`/`aria-` are set as attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('data-') || name.startsWith('aria-') || name === 'role' || name === 'scope') node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.flat().filter(c => c !== undefined && c !== null && c !== false));
  return node;
}

/** Replaces a table body's rows, or shows one row saying there is nothing, spanning every column. */
export function fillTable(table, rows, emptyText) {
  const body = table.tBodies[0];
  if (rows.length > 0) {
    body.replaceChildren(...rows);
    return;
  }
  const columns = table.tHead.rows[0].cells.length;
  body.replaceChildren(el('tr', {}, el('td', { className: 'text', colSpan: columns }, emptyText)));
}

export function show(node, visible) {
  node.hidden = !visible;
}

/**
 * Redraws a part of the page only when what it shows has changed, so a refresh every few seconds neither flickers
 * nor moves the reader's place. `redraw('totals', data, () => …)` runs the function when `data` differs from last time.
 */
export function redrawer() {
  const last = new Map();
  const redraw = (part, data, draw) => {
    const text = JSON.stringify(data);
    if (last.get(part) === text) return;
    last.set(part, text);
    const drawing = draw();
    // A drawing that failed (e.g. map data not loaded) is tried again on the next refresh.
    return drawing?.catch?.(error => {
      last.delete(part);
      throw error;
    });
  };
  redraw.forget = () => last.clear();
  return redraw;
}
