// The service worker that keeps the page usable without a network (sw.js, scope /branch/), registered through
// workbox-window: a new version waits until the officer chooses to reload, so an entry being typed is never lost.
import { Workbox } from '/vendor/workbox-window.js';
import { $, show } from '/js/dom.js';

export function registerWorker() {
  if (!('serviceWorker' in navigator)) {
    $('offlineReady').textContent = '此浏览器不支持离线使用。';
    return;
  }
  const workbox = new Workbox('/branch/sw.js', { scope: '/branch/' });
  const offerReload = reload => {
    $('reload').onclick = reload;
    show($('update'), true);
  };
  workbox.addEventListener('waiting', () => offerReload(() => workbox.messageSkipWaiting()));
  workbox.addEventListener('controlling', event => event.isUpdate && location.reload());
  // The worker refreshed a file of the page in the background: the next load shows the new version.
  workbox.addEventListener('message', event => event.data?.type === 'page-updated' && offerReload(() => location.reload()));
  workbox.register()
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      $('offlineReady').textContent = '已可离线使用。';
      document.documentElement.dataset.offline = 'ready';
    })
    .catch(() => {
      $('offlineReady').textContent = '离线功能未能启用。';
    });
}
