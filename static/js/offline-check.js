/* The daily check without a connection. Loaded by base.html (no inline script under the CSP).
   - Registers the service worker (static/js/sw.js, served at /sw.js) for signed-in people, and on
     the page of today's checks asks it to keep those checks' pages on this phone.
   - On a daily check (#offline-check), while there is no connection (or earlier changes still wait),
     every answer, note, photo, "all fine" tap and the submission goes into IndexedDB instead of the
     network, and the page says so. When the connection is back they are sent in order to the same
     addresses as a tap would, each with the id (UUID) it was given when the officer acted, so a
     retry is done once on the server (core/idempotency.py). What the server refuses (the check was
     submitted elsewhere, the stated time breaks a rule) is shown and kept until the officer deletes it.
   - Signing out deletes everything kept on this phone; the sign-in page deletes the kept pages, and
     after signing in what another person left unsent is deleted (it cannot be sent as them).
   Texts come translated from the server in data attributes. */
(function () {
  "use strict";

  var DB_NAME = "safetybank-offline";
  var STORE = "queue";
  var body = document.body;
  var user = body.dataset.user || "";

  // ------------------------------------------------------------------ the queue in IndexedDB
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function inStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        tx.onerror = tx.onabort = function () {
          db.close();
          reject(tx.error);
        };
      });
    });
  }

  function allOps() {
    return inStore("readonly", function (store) {
      return store.getAll();
    });
  }

  function addOp(op) {
    return inStore("readwrite", function (store) {
      return store.add(op);
    });
  }

  function deleteOps(seqs) {
    return inStore("readwrite", function (store) {
      seqs.forEach(function (seq) {
        store.delete(seq);
      });
      return null;
    });
  }

  function forgetPages() {
    if (!window.caches) {
      return Promise.resolve();
    }
    return caches.keys().then(function (names) {
      return Promise.all(
        names.map(function (name) {
          return caches.delete(name);
        })
      );
    });
  }

  function forgetEverything() {
    return Promise.all([
      forgetPages(),
      new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () {
          resolve();
        };
      }),
    ]);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) {
        return part.join("");
      })
      .join("-");
  }

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // ------------------------------------------------------------------ every page
  if (user && body.dataset.serviceWorker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(function () {
      return null;
    });
  }

  if (user) {
    // What someone else left unsent cannot be sent as this person: it is deleted, not kept.
    allOps()
      .then(function (ops) {
        var others = ops.filter(function (op) {
          return op.user !== user;
        });
        if (others.length) {
          return deleteOps(
            others.map(function (op) {
              return op.seq;
            })
          );
        }
        return null;
      })
      .catch(function () {
        return null;
      });
  }

  // Signing out: everything kept on this phone goes (the server's Clear-Site-Data says the same).
  var logoutButton = document.getElementById("logout-button");
  if (logoutButton && logoutButton.form) {
    logoutButton.form.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.forgotten) {
        return;
      }
      event.preventDefault();
      allOps()
        .catch(function () {
          return [];
        })
        .then(function (ops) {
          if (ops.length && form.dataset.unsentConfirm && !window.confirm(form.dataset.unsentConfirm)) {
            return false;
          }
          return forgetEverything().then(function () {
            return true;
          });
        })
        .then(function (go) {
          if (go) {
            form.dataset.forgotten = "1";
            form.submit();
          }
        });
    });
  }

  // The sign-in page: the pages kept for the last person go; unsent answers are said, not dropped.
  var signedOut = document.querySelector("[data-signed-out]");
  if (signedOut) {
    forgetPages();
    allOps()
      .then(function (ops) {
        signedOut.hidden = ops.length === 0;
      })
      .catch(function () {
        return null;
      });
  }

  // ------------------------------------------------------------------ today's checks
  var today = document.querySelector("[data-keep-offline]");
  if (today && navigator.onLine && "serviceWorker" in navigator) {
    // This page itself was kept by the worker as it came.
    var urls = Array.prototype.map.call(today.querySelectorAll("a[data-offline-page]"), function (link) {
      return link.getAttribute("href");
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active && urls.length) {
        registration.active.postMessage({ type: "keep-pages", urls: urls });
      }
    });
  }
  if (today) {
    // Starting a check makes its record on the server: that needs the connection once.
    today.addEventListener("submit", function (event) {
      if (!navigator.onLine) {
        event.preventDefault();
        var note = document.getElementById("offline-start");
        if (note) {
          note.hidden = false;
        }
      }
    });
  }

  // ------------------------------------------------------------------ a daily check
  var box = document.getElementById("offline-check");
  if (!box || !user) {
    return;
  }
  var inspection = box.dataset.inspection;
  var waitingBox = document.getElementById("offline-waiting");
  var conflictBox = document.getElementById("offline-conflict");
  var submitForm = document.getElementById("daily-submit");
  var pending = [];
  var syncing = false;
  var saving = Promise.resolve(); // the writes into IndexedDB, in order; sending waits for them

  function mine(ops) {
    return ops.filter(function (op) {
      return op.user === user && op.inspection === inspection;
    });
  }

  function holding() {
    return !navigator.onLine || syncing || pending.length > 0;
  }

  function say(text) {
    waitingBox.textContent = text;
    waitingBox.hidden = !text;
  }

  function showPending() {
    var submitted = pending.some(function (op) {
      return op.kind === "submit";
    });
    if (submitted) {
      say(box.dataset.submitted);
    } else if (pending.length) {
      say(box.dataset.waiting.replace("{n}", String(pending.length)));
    } else {
      say("");
    }
  }

  function showConflict(messages) {
    conflictBox.querySelector("[data-conflict-text]").textContent = box.dataset.conflict;
    var list = conflictBox.querySelector("[data-conflict-messages]");
    list.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    conflictBox.hidden = false;
  }

  function rowOf(element) {
    return element.closest(".answer-row");
  }

  function showFailFields(row, failed) {
    var fields = row.querySelector(".fail-fields");
    if (fields) {
      fields.hidden = !failed;
      fields.disabled = !failed;
    }
  }

  function entriesOf(form) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") {
        return;
      }
      if (value instanceof File) {
        if (value.name || value.size) {
          files.push([name, value]);
        }
      } else {
        fields.push([name, value]);
      }
    });
    return { fields: fields, files: files };
  }

  function keep(kind, url, fields, files) {
    var op = {
      user: user,
      inspection: inspection,
      kind: kind,
      url: url,
      fields: fields,
      files: files || [],
      client_id: newId(),
      stated_at: new Date().toISOString(),
    };
    pending.push(op);
    showPending();
    saving = saving.then(function () {
      return addOp(op).then(function (seq) {
        op.seq = seq;
      });
    });
    return saving;
  }

  function passUnanswered(section) {
    section.querySelectorAll(".answer-row").forEach(function (row) {
      var radios = row.querySelectorAll('input[type=radio][name="result"]');
      var answered = Array.prototype.some.call(radios, function (radio) {
        return radio.checked;
      });
      var pass = row.querySelector('input[type=radio][value="pass"]');
      if (radios.length && !answered && pass) {
        pass.checked = true;
      }
    });
  }

  function keepRequest(elt, path) {
    var row = rowOf(elt);
    if (row) {
      var form = row.querySelector("form");
      var entries = entriesOf(form);
      keep("answer", path, entries.fields, entries.files);
      // The photo is kept with this change; the input is emptied so that it is not sent twice.
      row.querySelectorAll("input[type=file]").forEach(function (input) {
        if (input.files && input.files.length) {
          var names = Array.prototype.map
            .call(input.files, function (file) {
              return file.name;
            })
            .join(", ");
          var note = row.querySelector("[data-offline-photos]");
          if (note) {
            note.textContent = box.dataset.photo.replace("{name}", names);
          }
          input.value = "";
        }
      });
      row.classList.add("border-warning");
      return;
    }
    var section = elt.closest(".daily-group");
    if (section) {
      keep("group", path, []);
      passUnanswered(section);
    }
  }

  // "Fail" shows the note and the photo at once: the server is not there to add them.
  document.addEventListener(
    "change",
    function (event) {
      var target = event.target;
      if (target.name === "result" && rowOf(target) && holding()) {
        showFailFields(rowOf(target), target.value === "fail");
      }
    },
    true
  );

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!holding() || !elt || !elt.closest("main")) {
      return;
    }
    event.preventDefault();
    keepRequest(elt, event.detail.path);
  });

  // A request that fails while the phone believes it is connected is not kept here: the page says
  // so (static/js/safetybank.js) and what was entered stays on it, to tap again.

  if (submitForm) {
    if (!navigator.onLine) {
      // Opened from this phone's copy: the time stated is now, on this phone (the officer may change it).
      var now = new Date();
      var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
      submitForm.querySelector("[name=performed_at]").value = local;
    }
    submitForm.addEventListener("submit", function (event) {
      if (!holding()) {
        return;
      }
      event.preventDefault();
      var already = pending.some(function (op) {
        return op.kind === "submit";
      });
      if (!already) {
        keep("submit", submitForm.getAttribute("action"), entriesOf(submitForm).fields);
      }
      window.scrollTo(0, 0);
    });
  }

  function send(op) {
    var data = new FormData();
    op.fields.forEach(function (entry) {
      data.append(entry[0], entry[1]);
    });
    op.files.forEach(function (entry) {
      data.append(entry[0], entry[1], entry[1].name);
    });
    data.append("client_id", op.client_id);
    return fetch(op.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(
      function (response) {
        if (response.ok) {
          return deleteOps([op.seq]).then(function () {
            pending.shift();
            return true;
          });
        }
        if (response.type === "opaqueredirect") {
          showConflict([box.dataset.signin]);
          return false;
        }
        if (response.status >= 500) {
          return false; // the server is briefly away: try again with the next connection or visit
        }
        return response.json().then(
          function (answer) {
            showConflict(answer.messages || []);
            return false;
          },
          function () {
            showConflict([response.status + " " + response.statusText]);
            return false;
          }
        );
      },
      function () {
        return false; // no connection after all: everything stays on this phone
      }
    );
  }

  function sync() {
    if (syncing || !navigator.onLine || !pending.length) {
      return;
    }
    syncing = true;
    say(box.dataset.sending);
    var chain = saving.then(
      function () {
        return true;
      },
      function () {
        return false;
      }
    );
    pending.slice().forEach(function (op) {
      chain = chain.then(function (ok) {
        return ok ? send(op) : false;
      });
    });
    chain
      .catch(function () {
        return false;
      })
      .then(function (ok) {
        syncing = false;
        if (ok) {
          say(box.dataset.sent);
          window.location.replace(box.dataset.url); // the check as the server now has it
        } else {
          showPending();
        }
      });
  }

  function restore(op) {
    // What waits on this phone is shown on the page as it was left.
    var form = Array.prototype.find.call(document.querySelectorAll(".answer-row form"), function (candidate) {
      return candidate.getAttribute("action") === op.url;
    });
    if (op.kind === "answer" && form) {
      op.fields.forEach(function (entry) {
        var field = form.querySelector('[name="' + entry[0] + '"][value="' + entry[1] + '"][type=radio]');
        if (field) {
          field.checked = true;
          showFailFields(rowOf(form), entry[1] === "fail");
        } else {
          var input = form.querySelector('[name="' + entry[0] + '"]:not([type=radio]):not([type=file])');
          if (input) {
            input.value = entry[1];
          }
        }
      });
      if (op.files.length) {
        var note = form.querySelector("[data-offline-photos]");
        if (note) {
          note.textContent = box.dataset.photo.replace(
            "{name}",
            op.files
              .map(function (entry) {
                return entry[1].name;
              })
              .join(", ")
          );
        }
      }
      rowOf(form).classList.add("border-warning");
    } else if (op.kind === "group") {
      var button = Array.prototype.find.call(document.querySelectorAll(".daily-group [hx-post]"), function (b) {
        return b.getAttribute("hx-post") === op.url;
      });
      if (button) {
        passUnanswered(button.closest(".daily-group"));
      }
    }
  }

  conflictBox.querySelector("[data-offline-discard]").addEventListener("click", function () {
    if (!window.confirm(box.dataset.discardConfirm)) {
      return;
    }
    deleteOps(
      pending.map(function (op) {
        return op.seq;
      })
    ).then(function () {
      window.location.replace(box.dataset.url);
    });
  });

  window.addEventListener("online", sync);
  window.addEventListener("offline", showPending);

  allOps()
    .then(function (ops) {
      pending = mine(ops);
      pending.forEach(restore);
      showPending();
      sync();
    })
    .catch(function () {
      return null;
    });
})();
