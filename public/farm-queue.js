// The phone's queue of diary entries written while offline (or whose sending failed), kept in
// IndexedDB (`ocop-farm`, store `queue`) until the farm API has them. Shared by the farm pages
// (farm-offline.js) and the service worker (sw.js), so it uses only what both have.
// An item: { client_id, plot_id, fields, photos: [{ name, type, blob, sent }], state, created,
// entry_id, seq, refusal }; state is `pending` (not sent), `photos` (the entry is stored, some
// photos are not yet) or `refused` (the server said no, with its reason in `refusal`).
(function (scope) {
  'use strict';
  const DB = 'ocop-farm';
  const STORE = 'queue';
  // The entry form's fields the farm API takes (see `NewEntry` in server/src/diary/api.rs).
  const FIELDS = ['kind', 'occurred_on', 'lot_id', 'input_name', 'active_ingredient', 'target',
    'dose', 'phi_days', 'quantity_kg', 'note', 'corrects_id', 'task_id'];

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'client_id' });
    };
    return done(request);
  }

  async function store(mode) {
    const db = await open();
    return db.transaction(STORE, mode).objectStore(STORE);
  }

  // A fresh id for an entry: the server stores an entry sent again under it once.
  function clientId() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const FarmQueue = {
    // Every item, oldest first: the order they are sent in.
    async all() {
      const items = await done((await store('readonly')).getAll());
      return items.sort((a, b) => a.created - b.created);
    },
    async put(item) {
      await done((await store('readwrite')).put(item));
    },
    async remove(id) {
      await done((await store('readwrite')).delete(id));
    },
    // An item from the entry form's fields (a FormData) and the photos chosen with it.
    fromForm(plotId, form, files) {
      const fields = {};
      for (const name of FIELDS) {
        const value = form.get(name);
        if (typeof value === 'string' && value.trim() !== '') fields[name] = value.trim();
      }
      return {
        client_id: clientId(),
        plot_id: plotId,
        fields,
        photos: (files || []).map((f) => ({ name: f.name || 'anh.jpg', type: f.type, blob: f, sent: false })),
        state: 'pending',
        created: Date.now(),
      };
    },
    // The JSON body of `POST /api/v1/plots/{id}/entries` for an item.
    body(item) {
      const body = { client_id: item.client_id };
      for (const [name, value] of Object.entries(item.fields)) {
        if (name === 'phi_days' || name === 'quantity_kg') {
          const n = Number(value.replace(/[.\s]/g, ''));
          if (Number.isFinite(n)) body[name] = n;
        } else {
          body[name] = value;
        }
      }
      if (!('note' in body)) body.note = '';
      return body;
    },
  };
  scope.FarmQueue = FarmQueue;
})(self);
