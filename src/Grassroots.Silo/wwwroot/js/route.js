// What the page shows lives in its address (?region=440000&campaign=…), so drill-down, Back and bookmarks work.

const defaults = { measure: 'attendance', interval: 'week', page: '1' };
const names = ['campaign', 'from', 'to', 'measure', 'interval', 'region', 'branch', 'status', 'page', 'tool', 'period'];

let listener = () => {};

export function readState() {
  const query = new URLSearchParams(location.search);
  return Object.fromEntries(names.map(name => [name, query.get(name) ?? defaults[name] ?? '']));
}

/** The address of the current state with `changes` applied; null or '' removes a parameter. */
export function hrefFor(changes) {
  const query = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '' || value === defaults[name]) query.delete(name);
    else query.set(name, value);
  }
  const text = query.toString();
  return text ? `?${text}` : location.pathname;
}

/** Where drilling down to a region or a branch goes: filters stay, the list position does not. */
export const regionHref = code => hrefFor({ region: code, branch: null, page: null, status: null });
export const branchHref = id => hrefFor({ branch: id, page: null, status: null });

export const toRegion = code => navigate({ region: code, branch: null, page: null, status: null });

export function navigate(changes) {
  history.pushState(null, '', hrefFor(changes));
  listener();
}

/** Calls `render` on Back/Forward and on in-page links marked data-nav (other clicks, e.g. to a new tab, are left alone). */
export function onNavigate(render) {
  listener = render;
  addEventListener('popstate', render);
  document.addEventListener('click', event => {
    const link = event.target.closest?.('a[data-nav]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState(null, '', link.getAttribute('href'));
    render();
  });
}
