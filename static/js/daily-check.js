// The daily check form states the earliest time a submission is not flagged "too fast" (#min-time,
// from the server); this counts the seconds down from the page's own load, so a phone's wrong clock
// does not matter, and turns the hint green once submitting is no longer flagged.
(function () {
  "use strict";
  function setUp() {
    var hint = document.getElementById("min-time");
    var left = document.getElementById("min-time-left");
    if (!hint || !left) return;
    var until = Date.now() + 1000 * (parseInt(hint.dataset.remaining, 10) || 0);
    var timer;
    function paint() {
      var seconds = Math.ceil((until - Date.now()) / 1000);
      var early = seconds > 0;
      left.textContent = early ? hint.dataset.left.replace("{n}", seconds) : hint.dataset.ready;
      hint.classList.toggle("text-warning-emphasis", early);
      hint.classList.toggle("text-success", !early);
      if (!early) window.clearInterval(timer);
    }
    paint();
    timer = window.setInterval(paint, 1000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
