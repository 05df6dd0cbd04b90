/* The "Reminders on this phone" box of the notice settings page: subscribes this browser to Web
   Push with the server's VAPID public key and tells the server (or stops both). */
(function () {
  "use strict";

  var box = document.querySelector("[data-push-key]");
  if (!box) return;
  var state = box.querySelector("[data-push-state]");
  var onButton = box.querySelector("[data-push-on]");
  var offButton = box.querySelector("[data-push-off]");

  // The words, in the page's language (webpush/words.py); English when they are missing.
  var wordsMeta = document.querySelector('meta[name="taperwell-words"]');
  var WORDS = {};
  try { WORDS = JSON.parse(wordsMeta ? wordsMeta.content : "{}"); } catch (e) { WORDS = {}; }
  function words(key, fallback) { return WORDS[key] || fallback; }

  function say(text) { state.textContent = text; }

  function show(subscribed) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
    say(subscribed
      ? words("push_on", "Reminders come to this phone.")
      : words("push_off", "Reminders do not come to this phone yet."));
  }

  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/");
    padded += "===".slice((padded.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(data),
    }).then(function (response) {
      if (!response.ok) throw new Error("The server said " + response.status);
      return response;
    });
  }

  function deviceName() {
    var agent = navigator.userAgent;
    var browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge"
      : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "A browser";
    var system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iPhone or iPad"
      : /Windows/.test(agent) ? "Windows" : /Mac OS/.test(agent) ? "Mac" : /Linux/.test(agent)
      ? "Linux" : "a computer";
    return browser + " on " + system;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
    say(words("push_unsupported",
      "This browser cannot show reminders. Email and the notices page still have them."));
    return;
  }

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  navigator.serviceWorker.ready
    .then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); })
    .catch(function () { show(false); });

  onButton.addEventListener("click", function () {
    say(words("push_asking", "Asking this phone…"));
    Notification.requestPermission()
      .then(function (answer) {
        if (answer !== "granted") {
          throw new Error(words("push_denied",
            "Notices are turned off for this site in the phone's settings."));
        }
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.pushKey),
        });
      })
      .then(function (subscription) {
        var data = subscription.toJSON();
        data.device = deviceName();
        return post(box.dataset.pushSubscribe, data);
      })
      .then(function () { show(true); })
      .catch(function (error) {
        onButton.hidden = false;
        offButton.hidden = true;
        say(words("push_failed", "That did not work.") + " " +
          (error && error.message ? error.message : words("push_try_again", "Please try again.")));
      });
  });

  offButton.addEventListener("click", function () {
    navigator.serviceWorker.ready
      .then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) return null;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.dataset.pushRemove, { endpoint: endpoint });
        });
      })
      .then(function () { show(false); })
      .catch(function () {
        say(words("push_failed", "That did not work.") + " " +
          words("push_try_again", "Please try again."));
      });
  });
})();
