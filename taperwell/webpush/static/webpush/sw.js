/* taperwell's service worker, served at /sw.js with CONFIG and VERSION written above this line
   (taperwell/webpush/views.py). Written by hand, no framework.

   - Shell: the offline page, the crisis page and the files every page needs, kept at install.
   - Pages: the patient's Today, check-in, skills, pacer, flare plan and practices, kept each time
     they are opened (or warmed by offline.js) and served from here only when the network fails,
     with a line saying "as of" when they were kept. No other page is ever stored.
   - Health data (those pages) lives in its own cache, emptied on sign-out and when someone else
     signs in on this device.
   - Push: shows the notice (it carries no health detail) and opens its page on a tap. */
"use strict";

const SHELL = "taperwell-shell-" + VERSION;
const STATIC = "taperwell-static";
const HEALTH = "taperwell-health";
const META = "taperwell-meta";
const OWNER_KEY = "/__taperwell_owner";
const SAVED_AT = "X-Taperwell-Saved-At";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      // One by one: a single missing file must not stop the crisis page from being kept.
      await Promise.all(
        CONFIG.shell.map(async (url) => {
          try {
            const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
            if (response.ok && !response.redirected) await cache.put(url, response);
          } catch (error) {
            /* kept on the next visit instead */
          }
        })
      );
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("taperwell-shell-") && name !== SHELL)
          .map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

function isPatientPage(path) {
  return CONFIG.pages.includes(path) || path.startsWith(CONFIG.practicePrefix);
}

async function clearHealth() {
  await caches.delete(HEALTH);
  const meta = await caches.open(META);
  await meta.delete(OWNER_KEY);
}

async function setOwner(owner) {
  const meta = await caches.open(META);
  const known = await meta.match(OWNER_KEY);
  const before = known ? await known.text() : "";
  if (before !== owner) {
    await caches.delete(HEALTH); // someone else's pages must never show for this person
    await meta.put(OWNER_KEY, new Response(owner));
  }
}

async function currentOwner() {
  const meta = await caches.open(META);
  const known = await meta.match(OWNER_KEY);
  return known ? known.text() : "";
}

/* A copy of the response with the time it was kept, for the "as of" line. */
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

async function keepPage(path, response) {
  if (!(await currentOwner())) return; // only for a person the page told us about
  const cache = await caches.open(HEALTH);
  await cache.put(path, await stamped(response));
}

async function keepStatic(request, response) {
  const cache = await caches.open(STATIC);
  await cache.put(request, response);
}

function asOfLine(savedAt) {
  const saved = new Date(savedAt);
  const when =
    saved.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" }) +
    " on " +
    saved.toLocaleDateString("en-US", { weekday: "long", month: "long", day: "numeric" });
  return (
    '<p class="message offline-note" role="status" data-offline-as-of>' +
    "You are offline. This page is as of " +
    when +
    ". It will update when you are back online.</p>"
  );
}

/* The kept page, with the "as of" line at the top of its main content. */
async function fromHealthCache(path) {
  const cache = await caches.open(HEALTH);
  const kept = await cache.match(path);
  if (!kept) return null;
  // A one-time note kept with the page ("Your check-in is saved") is not shown again.
  const html = (await kept.text()).replace(/<div class="messages" role="status">[\s\S]*?<\/div>/, "");
  const marked = html.replace(
    /(<main\b[^>]*>)/,
    (main) => main + asOfLine(kept.headers.get(SAVED_AT) || new Date().toISOString())
  );
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  return new Response(marked, { status: 200, headers });
}

async function offlineAnswer(path) {
  const page = isPatientPage(path) ? await fromHealthCache(path) : null;
  if (page) return page;
  const shell = await caches.open(SHELL);
  const kept = await shell.match(path);
  if (kept) return kept;
  return (await shell.match(CONFIG.offline)) || Response.error();
}

async function navigate(event, url) {
  try {
    const response = await fetch(event.request);
    const landed = response.url ? new URL(response.url).pathname : url.pathname;
    if (response.ok && isPatientPage(url.pathname) && landed === url.pathname) {
      event.waitUntil(keepPage(url.pathname, response.clone()));
    } else if (response.ok && CONFIG.shell.includes(url.pathname)) {
      const shell = await caches.open(SHELL);
      event.waitUntil(shell.put(url.pathname, response.clone()));
    }
    return response;
  } catch (error) {
    return offlineAnswer(url.pathname);
  }
}

async function staticFile(event) {
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(keepStatic(event.request, response.clone()));
    return response;
  } catch (error) {
    const found = (await caches.match(event.request, { ignoreVary: true })) || null;
    return found || Response.error();
  }
}

/* ---- The outbox (IndexedDB, the same as offline.js uses) ----
   offline.js keeps a form when the phone says it is offline. When the phone thinks it is online
   but the request fails all the same (a weak signal), the form reaches here and is kept too. */
const OUTBOX_DB = "taperwell-outbox";

/* What a kept form is called, and where the person goes next (as when it is saved online). */
function outboxKind(path) {
  if (path === CONFIG.checkin) return { label: "Your check-in", next: CONFIG.today };
  if (path === CONFIG.pacer) return { label: "Your breathing practice", next: CONFIG.skills };
  if (path.startsWith(CONFIG.practicePrefix)) return { label: "Your practice", next: CONFIG.skills };
  return null;
}

function keepInOutbox(item) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(OUTBOX_DB, 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("waiting")) db.createObjectStore("waiting", { keyPath: "id" });
      if (!db.objectStoreNames.contains("used-keys")) db.createObjectStore("used-keys", { keyPath: "key" });
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("waiting", "readwrite");
      tx.objectStore("waiting").put(item);
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => { open.result.close(); reject(tx.error); };
    };
  });
}

async function postOrKeep(event, url, kind) {
  const copy = event.request.clone();
  try {
    return await fetch(event.request);
  } catch (error) {
    const owner = await currentOwner();
    if (!owner) return Response.error();
    const body = await copy.text();
    const fields = new URLSearchParams(body);
    await keepInOutbox({
      id: crypto.randomUUID(),
      owner: owner,
      url: url.href,
      body: body,
      key: fields.get("idempotency_key") || "",
      label: kind.label,
      savedAt: new Date().toISOString(),
    });
    // Crisis help does not wait for the network; otherwise on to the kept page that saving
    // online leads to, which lists what waits.
    const next = fields.get("self_harm") === "yes" ? "/crisis/" : kind.next;
    return Response.redirect(new URL(next, self.location.origin).href, 303);
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(clearHealth()); // the sign-out goes on; the kept pages go with it
    return;
  }
  if (event.request.method === "POST" && event.request.mode === "navigate") {
    const kind = outboxKind(url.pathname);
    if (kind) event.respondWith(postOrKeep(event, url, kind));
    return;
  }
  if (event.request.method !== "GET") return;
  if (event.request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(event));
  }
});

const FRESH_FOR_MS = 6 * 60 * 60 * 1000;

/* The files a kept page loads, and (from the skills page) the practices it links to. */
function collect(path, html, paths, assets) {
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"/g)) {
    if (match[1].startsWith(CONFIG.staticPrefix)) assets.add(match[1]);
  }
  if (path === CONFIG.pages.find((p) => p.endsWith("/skills/"))) {
    for (const match of html.matchAll(/href="([^"]+)"/g)) {
      const link = new URL(match[1], self.location.origin).pathname;
      if (link.startsWith(CONFIG.practicePrefix) && !paths.includes(link)) paths.push(link);
    }
  }
}

/* Keep the patient's pages (and the files they load) now, while the network is here. */
async function warm(owner) {
  await setOwner(owner);
  if (!CONFIG.keepAhead) return; // pages are still kept as they are opened
  const cache = await caches.open(HEALTH);
  const paths = [...CONFIG.pages];
  const assets = new Set();
  for (let i = 0; i < paths.length; i += 1) {
    const path = paths[i];
    // A page kept in the last hours is fresh enough (each visit keeps it again anyway): fetching
    // every page on every page view would cost the server and fill the audit trail.
    const kept = await cache.match(path);
    const keptAt = kept ? Date.parse(kept.headers.get(SAVED_AT) || "") : NaN;
    let html;
    if (kept && Date.now() - keptAt < FRESH_FOR_MS) {
      html = await kept.text();
      collect(path, html, paths, assets);
      continue;
    }
    let response;
    try {
      response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      return; // offline again: what is kept stays
    }
    if (!response.ok || new URL(response.url).pathname !== path) continue;
    html = await response.clone().text();
    if ((await currentOwner()) !== owner) return; // signed out while warming
    await cache.put(path, await stamped(response));
    collect(path, html, paths, assets);
  }
  const statics = await caches.open(STATIC);
  await Promise.all(
    [...assets].map(async (asset) => {
      if (await statics.match(asset)) return;
      try {
        const response = await fetch(asset);
        if (response.ok) await statics.put(asset, response);
      } catch (error) {
        /* next time */
      }
    })
  );
}

// One warm at a time: two page views in a row fetch each page once, and whoever asks to hear when
// a warm is done hears it after every warm asked before theirs.
let warming = Promise.resolve();

self.addEventListener("message", (event) => {
  const data = event.data || {};
  let work = Promise.resolve();
  if (data.type === "warm" && data.owner) {
    warming = warming.then(() => warm(data.owner)).catch(() => {});
    work = warming;
  }
  if (data.type === "clear") work = clearHealth();
  event.waitUntil(
    work.then(() => {
      if (event.ports && event.ports[0]) event.ports[0].postMessage({ done: data.type });
    })
  );
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const title = data.title || "A reminder from your clinic";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "Tap to open taperwell.",
      icon: CONFIG.icon,
      badge: CONFIG.icon,
      tag: data.tag || undefined,
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of open) {
        if ("navigate" in client) {
          await client.focus();
          return client.navigate(target.href);
        }
      }
      return self.clients.openWindow(target.href);
    })()
  );
});
