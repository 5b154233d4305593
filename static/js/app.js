/* Passerelle: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  function leave() {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    // replace(): the intranet page is swapped out of the current history entry.
    // The server route ends the session and asks the browser to clear what it can.
    window.location.replace(link.getAttribute("href"));
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-exit");
    if (link) { event.preventDefault(); leave(); }
  });
  // Escape twice within a second also leaves.
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) leave();
    lastEscape = now;
  });
  // After an htmx swap, keep focus where the user expects: on the new content's heading or alert.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var focusable = target.querySelector("[data-focus-after-swap], .error-summary");
    if (focusable) { focusable.setAttribute("tabindex", "-1"); focusable.focus(); }
  });
})();
