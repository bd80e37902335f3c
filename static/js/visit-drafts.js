/*
 * Unsent visit-note drafts on a shared tablet (loaded on every signed-in page from base.html).
 *
 * visit-autosave.js keeps each unsent draft in localStorage under Intake.draftKey(user id, visit id)
 * (static/js/intake.js), with the note's autosave URL. This script:
 *  - sends the signed-in user's leftover drafts (a closed tab, a dropped connection) from any
 *    page, and removes each one the server now holds;
 *  - on "Sign out", first sends them, then removes every one of the user's drafts (sent or not:
 *    a signed-out tablet keeps none of their notes), then signs out (offline, the sign-out cannot
 *    reach the server either: the drafts stay, at most 24 hours);
 *  - never sends, shows or removes another user's draft: one that could not be sent stays on
 *    the tablet for its author alone, and is offered to them when they open that note again.
 * On an idle timeout the session has already ended, so nothing can be sent; every draft the
 * server confirmed was removed when it confirmed it, and the rest wait for their author, at
 * most 24 hours (static/js/intake.js removes older ones on every signed-in page).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return; // storage blocked: visit-autosave.js keeps nothing either
  }
  if (!script || !storage || !window.Intake) return;

  // A draft kept this recently may belong to a note open in another tab: that tab sends it.
  var RECENT_MS = 60000;
  // Sign out after this long even if the server has not answered every draft.
  var SIGN_OUT_WAIT_MS = 5000;

  var userId = script.getAttribute("data-user-id");
  var logoutUrl = script.getAttribute("data-logout-url");
  var mine = Intake.draftKeyPrefix(userId);

  function myDraftKeys() {
    var keys = [];
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(mine) === 0) keys.push(key);
    }
    return keys;
  }

  function read(key) {
    try {
      return JSON.parse(storage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function openNoteKey() {
    var form = document.querySelector("[data-visit-note][data-visit-id]");
    return form ? mine + form.getAttribute("data-visit-id") : null;
  }

  /* Send one kept draft; resolve true once the server holds it (and the browser copy is gone). */
  function send(key, options) {
    var kept = read(key);
    if (!kept || !kept.url || !kept.fields || kept.url.charAt(0) !== "/") return Promise.resolve(false);
    return Intake.postForm(kept.url, kept.fields, { version: kept.version }, options).then(function (response) {
      // A conflict, a refused field or a locked note stays for its author to settle on the note itself.
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || (data.status !== "saved" && data.status !== "unchanged")) return false;
      var now = read(key);
      if (now && now.keptAt === kept.keptAt) storage.removeItem(key); // unless typed since
      return true;
    }).catch(function () {
      return false;
    });
  }

  function sendLeftovers() {
    if (!navigator.onLine) return;
    var open = openNoteKey(); // visit-autosave.js looks after the note on this page
    myDraftKeys().forEach(function (key) {
      var kept = read(key);
      if (key === open || !kept) return;
      if (Intake.isStaleDraft(kept)) { storage.removeItem(key); return; }
      if (kept.keptAt && Date.now() - Date.parse(kept.keptAt) < RECENT_MS) return;
      send(key, { retry: true }); // sent by the page, not by a person: not counted as activity
    });
  }

  function isSignOut(form) {
    return form && form.tagName === "FORM" && form.getAttribute("action") === logoutUrl;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isSignOut(form) || form.hasAttribute("data-drafts-sent")) return;
    var keys = myDraftKeys();
    if (!keys.length || !navigator.onLine) return;
    event.preventDefault();
    form.setAttribute("data-drafts-sent", "");
    var button = form.querySelector("button[type='submit']");
    if (button) {
      button.disabled = true;
      button.textContent = "Saving notes…";
    }
    var left = false;
    function signOut() {
      if (left) return;
      left = true;
      myDraftKeys().forEach(function (key) { storage.removeItem(key); });
      form.submit();
    }
    Promise.all(keys.map(function (key) { return send(key); })).then(signOut, signOut);
    window.setTimeout(signOut, SIGN_OUT_WAIT_MS);
  }, true);

  window.addEventListener("online", sendLeftovers);
  sendLeftovers();
})();
