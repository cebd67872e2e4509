/* SafetyBank page behaviour. Loaded by base.html; the Content-Security-Policy allows no inline script,
   so everything a page does in the browser lives here. Texts come translated from the server in
   data attributes of #htmx-error. */
(function () {
  "use strict";

  // A failed HTMX request (server error, outage, timeout, lost connection) is never silent. htmx does
  // not swap on failure, so what the person entered stays on the page; the message says what to do.
  var failedElement = null;

  function box() {
    return document.getElementById("htmx-error");
  }

  function show(kind, element) {
    var el = box();
    if (!el) {
      return;
    }
    failedElement = element || null;
    el.querySelector("[data-htmx-error-text]").textContent = el.dataset[kind] || el.dataset.server;
    el.dataset.kind = kind;
    el.classList.add("alert", "alert-danger");
    el.hidden = false;
  }

  function hide() {
    var el = box();
    if (el) {
      el.hidden = true;
      el.classList.remove("alert", "alert-danger");
    }
    failedElement = null;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var kind = status === 503 ? "unavailable" : status >= 500 ? "server" : "refused";
    show(kind, event.detail.elt);
  });
  document.addEventListener("htmx:sendError", function (event) {
    show("offline", event.detail.elt);
  });
  document.addEventListener("htmx:timeout", function (event) {
    show("timeout", event.detail.elt);
  });
  // Trying again (or doing anything else that saves) clears the message; it comes back if that fails too.
  // On the way out, not on the answer: a successful swap may replace the element, whose events then
  // no longer reach the document.
  document.addEventListener("htmx:beforeSend", function (event) {
    var config = event.detail.requestConfig || {};
    if (failedElement && (event.detail.elt === failedElement || config.verb !== "get")) {
      hide();
    }
  });
  // Lists as cards on a phone (static/css/safetybank.css .table-cards): a hand-written table names each cell's
  // column in data-label, from its header, as templates/django_tables2/safetybank.html does on the server.
  function labelCells() {
    document.querySelectorAll(".table-cards table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && !cell.hasAttribute("colspan") && index < headers.length) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", labelCells);
  document.addEventListener("htmx:load", labelCells);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-htmx-error-close]")) {
      hide();
    }
    // "Cancel" links go back one page (no javascript: URLs under the Content-Security-Policy).
    var back = event.target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
