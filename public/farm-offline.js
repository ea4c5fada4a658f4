// Offline capture on the farm pages (/nong-trai, /nong-trai/vuon/{id}); see app/src/diary/offline.rs.
// Registers the service worker and asks it to keep these pages; on the plot page, keeps an entry
// written offline (or with photos) in the phone's queue instead of posting the form; sends the
// queue in order through the farm API when the connection returns (each entry with its client
// id, so one sent twice is stored once; its photos after it); lists what waits and what the
// server refused, with its reason. Every word comes from the page's data- attributes.
(function () {
  'use strict';
  const box = document.getElementById('offline-queue');
  if (!box || !window.FarmQueue || !window.indexedDB) return;
  const Q = window.FarmQueue;
  const t = box.dataset;
  const plot = t.plot || null;
  const kinds = Object.fromEntries(t.tKinds.split('|').map((pair) => pair.split('=')));
  const months = t.tMonths.split(',');
  const statusLine = box.querySelector('.offline-status');
  const heading = box.querySelector('.pending-heading');
  const list = box.querySelector('.pending');
  const form = plot ? document.querySelector('form.entry-form') : null;
  let status = '';
  let sending = false;

  function date(iso) {
    const [y, m, d] = (iso || '').split('-');
    if (!d) return iso || '';
    return t.tDate.replace('{dd}', d).replace('{d}', String(Number(d))).replace('{mm}', m)
      .replace('{mon}', months[Number(m) - 1] || m).replace('{yyyy}', y);
  }

  function say(text) {
    status = text;
    statusLine.textContent = text;
    render();
  }

  function csrf() {
    const field = document.querySelector('input[name=csrf]');
    return field ? field.value : '';
  }

  function plotName(id) {
    const link = document.querySelector(`a[href="/nong-trai/vuon/${id}"] strong`);
    return link ? link.textContent : '';
  }

  async function render() {
    const items = (await Q.all()).filter((i) => !plot || i.plot_id === plot);
    const waiting = items.filter((i) => i.state !== 'refused');
    box.hidden = items.length === 0 && status === '';
    heading.hidden = items.length === 0;
    heading.textContent = t.tWaiting.replace('{n}', String(waiting.length));
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement('li');
      li.className = `pending-entry ${item.state}`;
      li.dataset.clientId = item.client_id;
      const what = [kinds[item.fields.kind] || item.fields.kind, date(item.fields.occurred_on)];
      if (item.fields.input_name) what.push(item.fields.input_name);
      if (item.photos.length) what.push(t.tPhotos.replace('{n}', String(item.photos.length)));
      if (!plot && plotName(item.plot_id)) what.unshift(plotName(item.plot_id));
      const line = document.createElement('span');
      line.textContent = what.join(' · ');
      li.append(line);
      if (item.state === 'refused') {
        const why = document.createElement('p');
        why.className = 'notice error refusal';
        why.setAttribute('role', 'alert');
        why.textContent = `${t.tRefused}: ${item.refusal}`;
        const discard = document.createElement('button');
        discard.type = 'button';
        discard.className = 'button secondary discard';
        discard.textContent = t.tDiscard;
        discard.addEventListener('click', async () => {
          await Q.remove(item.client_id);
          render();
        });
        li.append(why, discard);
      }
      return li;
    }));
  }

  async function refusalOf(response) {
    const body = await response.json().catch(() => ({}));
    const error = body.error || {};
    return error.shown || error.message || `HTTP ${response.status}`;
  }

  // Whether an answer means "try again later" rather than a refusal of the entry itself.
  function later(status) {
    return status === 401 || status === 408 || status === 429 || status >= 500;
  }

  // Sends one item: 'done', 'refused' or 'stop' (no connection, or the server cannot now).
  async function sendOne(item) {
    if (item.state === 'pending') {
      let response;
      try {
        response = await fetch(`/api/v1/plots/${encodeURIComponent(item.plot_id)}/entries`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(Q.body(item)),
        });
      } catch (e) {
        return 'stop';
      }
      if (response.status === 200 || response.status === 201) {
        const stored = await response.json();
        item.entry_id = stored.id;
        item.seq = stored.seq;
        item.state = 'photos';
        await Q.put(item);
      } else if (later(response.status)) {
        return 'stop';
      } else {
        item.state = 'refused';
        item.refusal = await refusalOf(response);
        await Q.put(item);
        return 'refused';
      }
    }
    for (const photo of item.photos) {
      if (photo.sent) continue;
      const body = new FormData();
      body.append('anh', photo.blob, photo.name);
      let response;
      try {
        response = await fetch(`/api/v1/entries/${encodeURIComponent(item.entry_id)}/photos`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'X-CSRF-Token': csrf(), Accept: 'application/json' },
          body,
        });
      } catch (e) {
        return 'stop';
      }
      const json = (response.headers.get('content-type') || '').includes('json');
      if (response.status === 201) {
        photo.sent = true;
        await Q.put(item);
      } else if (later(response.status) || !json) {
        return 'stop';
      } else {
        // The entry is stored; the photo is not, and says why.
        item.state = 'refused';
        item.refusal = await refusalOf(response);
        await Q.put(item);
        return 'refused';
      }
    }
    await Q.remove(item.client_id);
    return 'done';
  }

  async function sendAll() {
    if (sending || !navigator.onLine) return;
    const items = (await Q.all()).filter((i) => i.state !== 'refused');
    if (items.length === 0) return;
    sending = true;
    say(t.tSending);
    let changed = 0;
    let stopped = false;
    try {
      for (const item of items) {
        const outcome = await sendOne(item);
        if (outcome === 'stop') {
          stopped = true;
          break;
        }
        changed += 1;
      }
    } finally {
      sending = false;
    }
    if (changed > 0) {
      // The timeline and the chain line come from the server: show them as they are now.
      if (!stopped) sessionStorage.setItem('ocop-farm-sent', '1');
      location.reload();
      return;
    }
    say(navigator.onLine ? '' : t.tOffline);
  }

  // The entry form: kept on the phone when offline or when photos go with it (they travel
  // through the farm API); otherwise the form posts as it does without JavaScript.
  if (form) {
    const label = document.createElement('label');
    label.textContent = t.tPhotosLabel;
    const photos = document.createElement('input');
    photos.type = 'file';
    photos.accept = 'image/jpeg,image/png,image/webp';
    photos.multiple = true;
    photos.className = 'offline-photos';
    label.append(' ', photos);
    form.querySelector('button[type=submit]').before(label);
    form.addEventListener('submit', async (event) => {
      const files = Array.from(photos.files || []);
      if (navigator.onLine && files.length === 0) return;
      event.preventDefault();
      await Q.put(Q.fromForm(plot, new FormData(form), files));
      form.reset();
      say(t.tQueued);
      sendAll();
    });
  }

  window.addEventListener('online', () => sendAll());
  window.addEventListener('offline', () => say(t.tOffline));

  // Keep this page and the farm pages it links to for offline reading.
  async function keepPages() {
    if (!('serviceWorker' in navigator)) return;
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const ready = await navigator.serviceWorker.ready;
    // By path: a plot page's correction links (`?sua=`) are the page itself.
    const links = Array.from(document.querySelectorAll('a[href^="/nong-trai"]'),
      (a) => new URL(a.getAttribute('href'), location.href).pathname);
    const assets = Array.from(document.querySelectorAll('link[href^="/pkg/"], script[src^="/pkg/"], link[rel=modulepreload], link[rel=preload]'),
      (el) => el.getAttribute('href') || el.getAttribute('src'));
    const urls = [location.pathname, ...links, ...assets, '/favicon.svg', '/farm-offline.js',
      '/farm-queue.js', '/manifest.webmanifest'];
    const channel = new MessageChannel();
    const kept = new Promise((resolve) => { channel.port1.onmessage = resolve; });
    ready.active.postMessage({ type: 'keep', urls: Array.from(new Set(urls)) }, [channel.port2]);
    await kept;
    box.dataset.offlineReady = '1';
    if (status === '') say(t.tReady);
  }

  const query = new URLSearchParams(location.search);
  if (query.has('cho')) status = t.tQueued;
  if (sessionStorage.getItem('ocop-farm-sent')) {
    sessionStorage.removeItem('ocop-farm-sent');
    status = t.tSent;
  }
  if (!navigator.onLine) status = t.tOffline;
  statusLine.textContent = status;
  render();
  if (navigator.onLine) {
    keepPages().catch(() => {});
    sendAll();
  }
})();
