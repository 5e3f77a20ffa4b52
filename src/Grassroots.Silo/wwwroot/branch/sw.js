// The branch page's service worker (scope /branch/): serves the page's own files from its cache, so the page opens
// and works with no network, and refreshes them in the background whenever the network allows (telling the page when
// one changed, so the officer can reload into the new version). The API (/api/…) is never cached here: entries wait
// in the page's outbox instead, and figures are kept by the page with the time they were read.

const CACHE = 'grassroots-branch-page';

// Every file the page loads. A file missing here would fail offline: the browser tests reload the page offline.
const PAGE = [
  '/branch/',
  '/branch/manifest.webmanifest',
  '/branch/css/branch.css',
  '/branch/js/main.js',
  '/branch/js/campaigns.js',
  '/branch/js/entry.js',
  '/branch/js/figures.js',
  '/branch/js/forms.js',
  '/branch/js/honorees.js',
  '/branch/js/outbox.js',
  '/branch/js/records.js',
  '/branch/js/rules.js',
  '/branch/js/session.js',
  '/branch/js/state.js',
  '/branch/js/store.js',
  '/branch/js/worker.js',
  '/css/dashboard.css',
  '/js/api.js',
  '/js/dom.js',
  '/js/format.js',
  '/js/problems.js',
  '/js/totals.js',
  '/vendor/idb.js',
  '/vendor/workbox-window.js',
  '/favicon.svg',
];

self.addEventListener('install', event => {
  // Fetched past the browser's HTTP cache, so a new worker never starts with old files.
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll(PAGE.map(path => new Request(path, { cache: 'reload' })))));
});

self.addEventListener('activate', event => {
  event.waitUntil(self.clients.claim());
});

// workbox-window's messageSkipWaiting(): the officer chose to reload into the new version.
self.addEventListener('message', event => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', event => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // Any address of the page (with a query, or /branch/index.html) is the page.
  const path = request.mode === 'navigate' && url.pathname.startsWith('/branch/') ? '/branch/' : url.pathname;
  if (!PAGE.includes(path)) return;
  event.respondWith(fromCache(event, path));
});

async function fromCache(event, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  const fresh = fetch(new Request(path, { cache: 'no-cache' })).then(async response => {
    if (response.ok) {
      const changed = cached && cached.headers.get('ETag') !== response.headers.get('ETag');
      await cache.put(path, response.clone());
      if (changed) await tell({ type: 'page-updated', path });
    }
    return response;
  });
  if (!cached) return fresh;
  event.waitUntil(fresh.catch(() => undefined)); // no network: the cached copy is all there is
  return cached;
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(message);
}
