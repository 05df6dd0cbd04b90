/* On every page: starts the service worker, keeps the patient's pages for offline use, and the
   outbox: a check-in or practice saved while offline waits on this device (IndexedDB) and is sent
   when the connection returns, once. The check-in carries its one-time key (idempotency_key), so
   even a send that is repeated is recorded once by the server. Sign-out empties all of it. */
(function () {
  "use strict";

  var DB_NAME = "taperwell-outbox";
  var STORE = "waiting";
  var USED = "used-keys";
  // After keeping one, the person goes where saving it online takes them (a kept page there
  // lists what waits).
  var QUEUED_FORMS = [
    { selector: "form.checkin-form", label: "Your check-in", word: "checkin", next: "/today/" },
    { selector: "form#pacer", label: "Your breathing practice", word: "breathing", next: "/skills/" },
    { selector: "form.practice-page", label: "Your practice", word: "practice", next: "/skills/" },
  ];
  var LOGIN_PATH = "/accounts/login/";

  var ownerMeta = document.querySelector('meta[name="taperwell-owner"]');
  var owner = ownerMeta ? ownerMeta.content : "";
  var isPatient = document.body && document.body.classList.contains("patient");

  /* ---- IndexedDB, in promises ---- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
        if (!db.objectStoreNames.contains(USED)) db.createObjectStore(USED, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allWaiting() {
    return run(STORE, "readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).filter(function (item) { return item.owner === owner; });
    });
  }

  function forgetEverything() {
    return new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  /* ---- What is waiting, said on the page, in the page's language (webpush/words.py) ---- */
  var wordsMeta = document.querySelector('meta[name="taperwell-words"]');
  var WORDS = {};
  try { WORDS = JSON.parse(wordsMeta ? wordsMeta.content : "{}"); } catch (e) { WORDS = {}; }
  var LANGUAGE = (wordsMeta && wordsMeta.getAttribute("data-language")) || "en";

  function words(key, fallback, values) {
    var text = WORDS[key] || fallback;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }

  function labelOf(item) {
    return (item.word && WORDS[item.word]) || item.label;
  }

  function timeOf(iso) {
    var locale = LANGUAGE === "en" ? "en-US" : LANGUAGE;
    return new Date(iso).toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
  }

  function statusBox() {
    var box = document.getElementById("outbox-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "outbox-status";
      box.className = "messages outbox";
      box.setAttribute("role", "status");
      var main = document.getElementById("main");
      if (main) main.insertBefore(box, main.firstChild);
    }
    return box;
  }

  function say(lines) {
    if (!lines.length && !document.getElementById("outbox-status")) return;
    var box = statusBox();
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = "message " + (line.kind || "info");
      p.textContent = line.text;
      box.appendChild(p);
    });
    box.hidden = lines.length === 0;
  }

  function showWaiting(extra) {
    if (!owner || !window.indexedDB) return Promise.resolve();
    return allWaiting().then(function (items) {
      var lines = (extra || []).slice();
      items.forEach(function (item) {
        lines.push({
          kind: "warning",
          text: words("waiting", "{label} (saved at {time}) is waiting on this phone. " +
            "It will be sent when you are back online.",
            { label: labelOf(item), time: timeOf(item.savedAt) }),
        });
      });
      say(lines);
    });
  }

  /* ---- Keeping a form that cannot be sent now ---- */
  function fieldValue(body, name) {
    return new URLSearchParams(body).get(name);
  }

  function takenKeys() {
    return Promise.all([
      allWaiting(),
      run(USED, "readonly", function (store) { return store.getAllKeys(); }),
    ]).then(function (found) {
      var keys = new Set(found[1] || []);
      found[0].forEach(function (item) { if (item.key) keys.add(item.key); });
      return keys;
    });
  }

  function queue(form, kind, submitter) {
    var data = new FormData(form, submitter || undefined);
    return takenKeys().then(function (taken) {
      // A kept copy of the form keeps its key: a second entry typed on it needs its own.
      if (taken.has(data.get("idempotency_key")) && crypto.randomUUID) {
        data.set("idempotency_key", crypto.randomUUID());
      }
      return keep(data, form, kind);
    });
  }

  function keep(data, form, kind) {
    var body = new URLSearchParams(data).toString();
    var item = {
      id: (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()),
      owner: owner,
      url: form.action || window.location.href,
      body: body,
      key: fieldValue(body, "idempotency_key") || "",
      label: kind.label,
      word: kind.word,
      savedAt: new Date().toISOString(),
    };
    return run(STORE, "readwrite", function (store) { return store.put(item); }).then(function () {
      if (fieldValue(body, "self_harm") === "yes") {
        // Never wait for the network to show help: the crisis page is kept on this device.
        window.location.assign("/crisis/");
        return;
      }
      window.location.assign(kind.next);
    });
  }

  /* A kept copy of a form may carry a one-time key that was already used: give it a new one,
     so a second check-in typed offline is not taken for the first. */
  function freshKeys() {
    var inputs = document.querySelectorAll('input[name="idempotency_key"]');
    if (!inputs.length || !window.indexedDB) return;
    run(USED, "readonly", function (store) { return store.getAllKeys(); }).then(function (keys) {
      var used = new Set(keys || []);
      Array.prototype.forEach.call(inputs, function (input) {
        if (used.has(input.value) && crypto.randomUUID) input.value = crypto.randomUUID();
      });
    });
  }

  function watchForms() {
    QUEUED_FORMS.forEach(function (kind) {
      Array.prototype.forEach.call(document.querySelectorAll(kind.selector), function (form) {
        form.addEventListener("submit", function (event) {
          if (navigator.onLine || !owner || !window.indexedDB) return;
          event.preventDefault();
          queue(form, kind, event.submitter);
        });
      });
    });
  }

  /* ---- Sending what waits ---- */
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function localDay(date) {
    return date.getFullYear() + "-" + (date.getMonth() + 1) + "-" + date.getDate();
  }

  function sendOne(item) {
    // A check-in counts for the day it reaches the server, and replaces that day's entry: one
    // typed on an earlier day must not stand in for today's, so it is not sent. Except a "yes" to
    // self-harm: the care team must hear of it, whatever the day.
    var late = localDay(new Date(item.savedAt)) !== localDay(new Date());
    if (item.key && late && fieldValue(item.body, "self_harm") !== "yes") {
      return Promise.resolve({ tooLate: true });
    }
    var params = new URLSearchParams(item.body);
    var token = csrfToken();
    if (token) params.set("csrfmiddlewaretoken", token); // the token may have changed since
    return fetch(item.url, {
      method: "POST",
      body: params,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).then(function (response) {
      var landed = new URL(response.url).pathname;
      if (landed.indexOf(LOGIN_PATH) === 0) return { kept: true }; // signed out: try later
      if (response.ok && response.redirected) return { sent: true, landed: landed };
      if (response.ok) return { refused: true }; // the form came back with questions
      return { kept: true };
    });
  }

  function markSent(item) {
    return run(STORE, "readwrite", function (store) { return store.delete(item.id); }).then(function () {
      if (!item.key) return;
      return run(USED, "readwrite", function (store) { return store.put({ key: item.key }); });
    });
  }

  function flushNow() {
    return allWaiting().then(function (items) {
      var notes = [];
      var help = null;
      return items.reduce(function (previous, item) {
        return previous.then(function () {
          return sendOne(item).then(function (result) {
            if (result.kept) return;
            if (result.landed && result.landed !== new URL(item.url, location.href).pathname &&
                /help-now/.test(result.landed)) {
              help = result.landed;
            }
            if (result.sent) {
              notes.push({ kind: "success", text: words("sent",
                "{label} from {time} is sent. Thank you.",
                { label: labelOf(item), time: timeOf(item.savedAt) }) });
            } else if (result.tooLate) {
              notes.push({ kind: "error", text: words("too_late",
                "{label} from an earlier day could not be sent in time. If you can, please " +
                "check in again for today.", { label: labelOf(item) }) });
            } else {
              notes.push({ kind: "error", text: words("refused",
                "{label} from {time} could not be saved as it was. Please fill it in again.",
                { label: labelOf(item), time: timeOf(item.savedAt) }) });
            }
            return markSent(item);
          });
        });
      }, Promise.resolve()).then(function () {
        if (help) { window.location.assign(help); return; }
        return showWaiting(notes);
      });
    });
  }

  function flush() {
    if (!owner || !navigator.onLine || !window.indexedDB) return Promise.resolve();
    // One tab at a time sends: two open tabs must not send the same thing twice.
    if (navigator.locks) {
      return navigator.locks.request("taperwell-outbox", function () { return flushNow(); })
        .catch(function () {});
    }
    return flushNow().catch(function () {});
  }

  /* ---- Sign-out: nothing of this person's health stays on the device ---- */
  function tellWorker(message) {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) {
      return Promise.resolve();
    }
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      navigator.serviceWorker.controller.postMessage(message, [channel.port2]);
      setTimeout(resolve, 3000); // a busy worker must not hold up the sign-out
    });
  }

  function watchSignOut() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (new URL(form.action, location.href).pathname !== "/accounts/logout/") return;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var clear = function () {
          return Promise.all([tellWorker({ type: "clear" }), forgetEverything()]);
        };
        (navigator.onLine ? flush() : Promise.resolve())
          .then(clear, clear)
          .then(function () { form.submit(); }, function () { form.submit(); });
      });
    });
  }

  /* ---- Start ---- */
  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
      if (owner && isPatient && navigator.onLine) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.active) registration.active.postMessage({ type: "warm", owner: owner });
        });
      }
    }
    if (owner && isPatient) {
      watchForms();
      freshKeys();
      showWaiting().then(flush);
      window.addEventListener("online", function () { flush(); });
    }
    watchSignOut();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
