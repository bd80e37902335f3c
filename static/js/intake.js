/*
 * What the app's scripts share (loaded before them from base.html, on signed-in pages):
 *  - Intake.csrfToken(): the page's CSRF token, for a POST made from a script;
 *  - Intake.postForm(url, pairs, replace): a form POST by fetch, answered in JSON;
 *  - Intake.postForm(url, pairs, replace, {retry: true}): the same, marked as a script's automatic
 *    retry (header X-Intake-Retry), which the server does not count as activity on the tablet;
 *  - Intake.draftKey(userId, visitId) / Intake.draftKeyPrefix(userId): where an unsent visit-note
 *    draft is kept in localStorage, under its author's id so nobody else on a shared tablet sees it;
 *  - Intake.isStaleDraft(kept): true for a draft kept more than 24 hours ago (or with no time).
 * On load it removes every stale draft, whoever wrote it: a tablet keeps no note longer than a day.
 */
(function () {
  "use strict";

  var DRAFT_PREFIX = "intake.visit-draft.";
  var DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function csrfToken() {
    var input = document.querySelector("input[name='csrf_token']");
    return input ? input.value : "";
  }

  /* POST [name, value] pairs as a form, with the CSRF token; ``replace`` sets fields over the pairs. */
  function postForm(url, pairs, replace, options) {
    var token = csrfToken();
    var params = new URLSearchParams();
    params.append("csrf_token", token);
    pairs.forEach(function (pair) { params.append(pair[0], pair[1]); });
    Object.keys(replace || {}).forEach(function (name) { params.set(name, replace[name]); });
    var headers = { "Accept": "application/json", "X-CSRFToken": token };
    if (options && options.retry) headers["X-Intake-Retry"] = "1";
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: headers,
      body: params
    });
  }

  function draftKeyPrefix(userId) {
    return DRAFT_PREFIX + userId + ".";
  }

  function draftKey(userId, visitId) {
    return draftKeyPrefix(userId) + visitId;
  }

  function isStaleDraft(kept) {
    var at = kept && typeof kept.keptAt === "string" ? Date.parse(kept.keptAt) : NaN;
    return isNaN(at) || Date.now() - at > DRAFT_MAX_AGE_MS;
  }

  /* Remove every draft kept more than a day ago (or unreadable), whoever wrote it. */
  function forgetStaleDrafts() {
    var storage;
    try {
      storage = window.localStorage;
      var stale = [];
      for (var i = 0; i < storage.length; i++) {
        var key = storage.key(i);
        if (!key || key.indexOf(DRAFT_PREFIX) !== 0) continue;
        var kept = null;
        try { kept = JSON.parse(storage.getItem(key) || "null"); } catch (error) { kept = null; }
        if (isStaleDraft(kept)) stale.push(key);
      }
      stale.forEach(function (key) { storage.removeItem(key); });
    } catch (error) {
      /* storage blocked: nothing is kept either */
    }
  }

  window.Intake = {
    DRAFT_PREFIX: DRAFT_PREFIX,
    csrfToken: csrfToken,
    postForm: postForm,
    draftKey: draftKey,
    draftKeyPrefix: draftKeyPrefix,
    isStaleDraft: isStaleDraft
  };
  forgetStaleDrafts();
})();
