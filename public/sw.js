// The farm pages' service worker (served at /sw.js by server/src/diary/offline.rs, scope /).
// - The farmer's pages (/nong-trai and /nong-trai/vuon/{id}): from the network when it answers,
//   else the copy kept from the last visit, so plots and recent entries can be read offline.
// - What those pages load (/pkg, the favicon, the farm scripts, the manifest): the same.
// - An entry form that cannot reach the server is kept in the phone's queue (farm-queue.js)
//   and the plot page shown again; the page sends the queue when the connection returns.
// - Signing out (or a farm page answered with the sign-in redirect) forgets the kept pages.
// Everything else goes to the network untouched.
importScripts('/farm-queue.js');

const CACHE = 'ocop-farm-v1';
const FARM_PAGE = /^\/nong-trai(\/vuon\/[A-Za-z0-9_-]+)?\/?$/;
const ENTRY_FORM = /^\/nong-trai\/vuon\/([A-Za-z0-9_-]+)\/ghi$/;

function isAsset(path) {
  return path.startsWith('/pkg/') || path === '/favicon.svg' || path === '/farm-offline.js'
    || path === '/farm-queue.js' || path === '/manifest.webmanifest';
}

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// Kept under the path alone: `?ok=1` and the like are one-off notices.
function keyOf(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

async function keep(url, response) {
  const cache = await caches.open(CACHE);
  await cache.put(keyOf(url), response);
}

async function farmPage(request) {
  try {
    const response = await fetch(request);
    if (response.type === 'opaqueredirect' || response.redirected) {
      // Signed out (the sign-in page): nothing kept may be shown any more.
      await caches.delete(CACHE);
    } else if (response.ok && new URL(request.url).search === '') {
      await keep(request.url, response.clone());
    }
    return response;
  } catch (e) {
    const kept = await caches.match(keyOf(request.url));
    if (kept) return kept;
    throw e;
  }
}

async function asset(request) {
  try {
    const response = await fetch(request);
    if (response.ok) await keep(request.url, response.clone());
    return response;
  } catch (e) {
    const kept = await caches.match(keyOf(request.url));
    if (kept) return kept;
    throw e;
  }
}

async function entryForm(request, plotId) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (e) {
    // No connection: the entry waits on the phone with the id it keeps until it is stored.
    const form = await copy.formData();
    await self.FarmQueue.put(self.FarmQueue.fromForm(plotId, form, []));
    return Response.redirect(`/nong-trai/vuon/${plotId}?cho=1`, 303);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'GET' && request.mode === 'navigate' && FARM_PAGE.test(url.pathname)) {
    event.respondWith(farmPage(request));
  } else if (request.method === 'GET' && isAsset(url.pathname)) {
    event.respondWith(asset(request));
  } else if (request.method === 'POST' && ENTRY_FORM.test(url.pathname)) {
    event.respondWith(entryForm(request, ENTRY_FORM.exec(url.pathname)[1]));
  } else if (request.method === 'POST' && url.pathname === '/dang-xuat') {
    event.waitUntil(caches.delete(CACHE));
  }
});

// A farm page asks for pages (itself, the plots it links to) and what they load to be kept.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    for (const url of data.urls) {
      const u = new URL(url, self.location.origin);
      if (u.origin !== self.location.origin) continue;
      if (!FARM_PAGE.test(u.pathname) && !isAsset(u.pathname)) continue;
      try {
        const response = await fetch(u.href, { credentials: 'same-origin', redirect: 'manual' });
        if (response.ok && response.type === 'basic') await keep(u.href, response);
      } catch (e) {
        // Offline now: what was kept stays.
      }
    }
    if (event.ports[0]) event.ports[0].postMessage('kept');
  })());
});
