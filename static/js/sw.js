/* SafetyBank service worker: today's checks keep opening without a connection.
   Served at /sw.js by safetybank/pwa.py, which puts VERSION and PRECACHE (the static files a page
   needs) in front of this file.
   - static files: from the cache, else the network (and kept);
   - today's checks (/inspections/today/) and a daily check (/inspections/daily/<id>/): the network
     first, the copy kept on this phone when there is no connection;
   - everything else: the network, untouched.
   Writes are never handled here: the page keeps them in IndexedDB (static/js/offline-check.js) and
   sends them itself. Signing out clears every cache (Clear-Site-Data, and the page's script). */
/* global VERSION, PRECACHE */
"use strict";

var STATIC_CACHE = "sb-static-" + VERSION;
var PAGE_CACHE = "sb-pages";
var OFFLINE_PAGES = /^\/inspections\/(today|daily\/\d+)\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(PRECACHE);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("sb-static-") === 0 && name !== STATIC_CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        // The browser starts a page's request while the worker wakes: that one request is used,
        // never a second one beside it.
        return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function keepPage(request, response) {
  // Only a page as the signed-in person saw it: not a redirect to the sign-in page, not an error.
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGE_CACHE).then(function (cache) {
      cache.put(request, copy);
    });
  }
  return response;
}

function networkFirst(request, preloaded) {
  return Promise.resolve(preloaded)
    .then(function (response) {
      return response || fetch(request);
    })
    .then(function (response) {
      return keepPage(request, response);
    })
    .catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (cached) {
        return cached || Response.error();
      });
    });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    if (cached) {
      return cached;
    }
    return fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (OFFLINE_PAGES.test(url.pathname) && request.headers.get("HX-Request") === null) {
    event.respondWith(networkFirst(request, event.preloadResponse));
  } else if (request.mode === "navigate") {
    // Navigation preload is on: every other page is answered by its preloaded response, never by a
    // second request beside it (a page read once, such as a new API token, would be read twice).
    event.respondWith(
      Promise.resolve(event.preloadResponse).then(function (response) {
        return response || fetch(request);
      })
    );
  }
});

// The page of today's checks asks for its checks to be kept, so that each opens without a connection.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep-pages" && Array.isArray(data.urls)) {
    // One after the other: the phone's requests never compete with each other for the server.
    event.waitUntil(
      data.urls.reduce(function (previous, path) {
        return previous.then(function () {
          var request = new Request(new URL(path, self.location.origin).href, { credentials: "same-origin" });
          return fetch(request)
            .then(function (response) {
              return keepPage(request, response);
            })
            .catch(function () {
              return null;
            });
        });
      }, Promise.resolve())
    );
  } else if (data.type === "forget") {
    event.waitUntil(
      caches.keys().then(function (names) {
        return Promise.all(names.map((name) => caches.delete(name)));
      })
    );
  }
});
