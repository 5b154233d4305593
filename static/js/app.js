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

  function focusOn(el) {
    if (!el.matches("a[href],button,input,select,textarea,[tabindex]")) el.setAttribute("tabindex", "-1");
    el.focus();
  }
  function first(root, selector) {
    return root.matches(selector) ? root : root.querySelector(selector);
  }
  var URGENT = "[data-focus-after-swap],.error-summary[tabindex]";
  var SAYS = "[role=alert],[role=status],[data-announce]";

  // A page sent back with errors (no script needed to show them): start reading at the summary.
  document.addEventListener("DOMContentLoaded", function () {
    var urgent = document.querySelector("main " + URGENT.replace(",", ",main "));
    if (urgent) focusOn(urgent);
  });

  // htmx swaps: focus never falls back to the top of the page, and what changed is announced in
  // the polite live region of base.html (a region replaced by outerHTML would be a new region that
  // screen readers do not announce).
  // Regions that refresh themselves (seats left...) can be stopped (WCAG 2.2.2): one toggle per page.
  // While the tab is hidden they do not refresh at all; back in view, they refresh once.
  var paused = false, missed = false;
  document.addEventListener("htmx:confirm", function (event) {
    var polls = /every/.test(event.detail.elt.getAttribute("hx-trigger") || "");
    if (!polls || event.detail.triggeringEvent) return;
    if (document.hidden) missed = true;
    if (paused || document.hidden) event.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !missed || paused || !window.htmx) return;
    missed = false;
    document.querySelectorAll("main [hx-trigger*=every][hx-get]").forEach(function (el) {
      window.htmx.ajax("GET", el.getAttribute("hx-get"), { source: el, target: el, swap: "outerHTML" });
    });
  });
  // What the page asks on its own (a region refreshing itself, the counter following an event) says
  // so: it does not keep the session alive (the server's idle timer counts a person's actions only),
  // and a region polling on a timer sends back the validator of what it holds, so an unchanged
  // region costs a bare 304 (not one that re-polls by being swapped, like a task's progress).
  var validators = {};
  function timed(config) {
    return config.verb === "get" && config.headers["X-Background"] && /every/.test(config.elt.getAttribute("hx-trigger") || "");
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.isTrusted) return;
    event.detail.headers["X-Background"] = "1";
    var held = validators[event.detail.path];
    if (held && timed(event.detail)) event.detail.headers["If-None-Match"] = held;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, config = event.detail.requestConfig;
    var etag = xhr && xhr.status === 200 && xhr.getResponseHeader("ETag");
    if (etag && config && timed(config)) validators[config.path] = etag;
  });
  document.addEventListener("DOMContentLoaded", function () {
    var polled = document.querySelector("main [hx-trigger*=every]");
    if (!polled) return;
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "pause";
    toggle.setAttribute("aria-pressed", "false");
    toggle.textContent = document.body.getAttribute("data-pause-label");
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.setAttribute("aria-pressed", String(paused));
    });
    polled.parentNode.insertBefore(toggle, polled);
  });

  // A request that fails (connection lost, server error) says so where it happened, instead of nothing.
  function failed(event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var target = event.detail.target;
    if (!trigger || !trigger.isTrusted || !target || !target.isConnected) return;
    var note = document.getElementById("update-failed") || document.createElement("p");
    note.id = "update-failed";
    note.className = "flash error";
    note.setAttribute("role", "alert");
    note.textContent = document.body.getAttribute("data-failed-label");
    target.parentNode.insertBefore(note, target);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:afterRequest", function (event) {
    var note = document.getElementById("update-failed");
    if (note && event.detail.successful) note.remove();
  });

  var before = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement, target = event.detail.target;
    var inside = !!(target && active && active !== document.body && target.contains(active));
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    before = {
      inside: inside,
      user: !!(trigger && trigger.isTrusted),
      tag: inside ? active.tagName : "",
      rel: inside ? active.getAttribute("rel") : null,
      text: inside ? active.textContent.trim() : ""
    };
  });
  function sameControl(region) {
    var found = null;
    region.querySelectorAll("a[href],button,input,select,textarea").forEach(function (el) {
      if (found || el.tagName !== before.tag) return;
      if (before.rel ? el.getAttribute("rel") === before.rel : el.textContent.trim() === before.text && before.text) found = el;
    });
    return found;
  }
  var announcer, said = {};
  function announce(text, key, repeat) {
    announcer = announcer || document.getElementById("announcer");
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!announcer || !text || (!repeat && said[key] === text)) return;
    said[key] = text;
    announcer.textContent = "";
    // A new text node after a pause: the same words twice in a row are read twice.
    setTimeout(function () { announcer.textContent = text; }, 100);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var region = event.target, state = before || {};
    if (!region || !region.isConnected || !region.querySelector) return;
    var lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
    var urgent = (state.user || state.inside) && first(region, URGENT);
    // What to read: a message, else (after the person's own action) the region's heading.
    var says = first(region, SAYS) || (state.user && first(region, "h2,h3"));
    var moved = null;
    if (urgent) moved = urgent;
    else if (state.inside && lost) moved = sameControl(region) || says || first(region, "h2,h3") || region;
    if (moved) focusOn(moved);
    // A live region that stayed in place (an innerHTML swap, or around the swap) speaks for itself.
    var live = region.closest("[aria-live]");
    var persistent = live && live.id !== "announcer" && (event.detail.target === region || live !== region);
    if (says && says !== moved && !persistent) announce(says.innerText, region.id || "", state.user);
  });
})();

/* Confirm what cannot be undone (intranet/confirm.py): a button form[data-confirm] leads to a
   confirmation page; here the same confirmation opens in a native <dialog>. */
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") return;
  var dialog, opener, exitLink, exitHome;
  function theDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-h");
    dialog.addEventListener("click", function (event) {
      if (event.target.closest(".confirm-back")) { event.preventDefault(); dialog.close(); }
    });
    dialog.addEventListener("close", function () {
      if (exitHome && exitLink) exitHome.parentNode.insertBefore(exitLink, exitHome);
      if (opener && opener.isConnected) opener.focus();
    });
    document.body.appendChild(dialog);
    return dialog;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.htmx || !form.matches || !form.matches("form[data-confirm]")) return;
    event.preventDefault();
    opener = event.submitter || form.querySelector("button");
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = form.action + (query ? "?" + query : "");
    var box = theDialog();
    window.htmx.ajax("GET", url, { target: box, swap: "innerHTML" }).then(function () {
      var act = box.querySelector("form.confirm-act");
      if (!act) { window.location.href = url; return; }  // the page says what went wrong
      var target = form.getAttribute("data-target");
      if (target && document.querySelector(target)) {
        // The answer replaces the region the button was in, as the direct action used to.
        act.setAttribute("hx-post", act.getAttribute("action"));
        act.setAttribute("hx-target", target);
        act.setAttribute("hx-swap", form.getAttribute("data-swap") || "outerHTML");
        window.htmx.process(act);
        // Closing gives focus back to the button, inside the region: after the swap, focus
        // lands on what the region now says (see the htmx:afterSwap handler above).
        act.addEventListener("submit", function () { box.close(); });
      }
      if (!box.open) {
        // A modal dialog makes the rest of the page inert: the quick exit comes along, on top.
        exitLink = document.getElementById("quick-exit");
        if (exitLink) {
          exitHome = exitHome || document.createComment("quick-exit");
          if (!exitHome.parentNode) exitLink.parentNode.insertBefore(exitHome, exitLink);
          box.insertBefore(exitLink, box.firstChild);
        }
        box.showModal();
      }
      var back = box.querySelector(".confirm-back");
      if (back) back.focus();
    });
  });
})();
