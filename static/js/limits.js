// Every length limit is visible before it bites: a text area shows "typed / maximum" under it at all
// times, a one-line field once four fifths of its maximum are used (the browser would otherwise stop
// typing, or cut a paste, without a word). The numbers need no translation.
(function () {
  "use strict";
  var SELECTOR = "textarea[maxlength], input[maxlength]:not([type=hidden]):not([type=password])";
  function attach(field) {
    if (field.dataset.counted) return;
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!(max > 0)) return;
    field.dataset.counted = "1";
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-count";
    counter.setAttribute("aria-live", "polite");
    var anchor = field.closest(".input-group") || field;
    anchor.after(counter);
    var area = field.tagName === "TEXTAREA";
    function update() {
      var used = field.value.length;
      counter.textContent = used + " / " + max;
      counter.hidden = !area && used < max * 0.8;
      counter.classList.toggle("text-danger", used >= max);
    }
    field.addEventListener("input", update);
    update();
  }
  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(SELECTOR).forEach(attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(document); });
  else scan(document);
  // Fragments HTMX swaps in (an answer row, a group) get their counters too.
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
})();
