/*
 * What the app's scripts share (loaded before them from base.html, on signed-in pages):
 *  - Intake.csrfToken(): the page's CSRF token, for a POST made from a script;
 *  - Intake.postForm(url, pairs, replace): a form POST by fetch, answered in JSON;
 *  - Intake.draftKey(userId, visitId) / Intake.draftKeyPrefix(userId): where an unsent visit-note
 *    draft is kept in localStorage, under its author's id so nobody else on a shared tablet sees it.
 */
(function () {
  "use strict";

  var DRAFT_PREFIX = "intake.visit-draft.";

  function csrfToken() {
    var input = document.querySelector("input[name='csrf_token']");
    return input ? input.value : "";
  }

  /* POST [name, value] pairs as a form, with the CSRF token; ``replace`` sets fields over the pairs. */
  function postForm(url, pairs, replace) {
    var token = csrfToken();
    var params = new URLSearchParams();
    params.append("csrf_token", token);
    pairs.forEach(function (pair) { params.append(pair[0], pair[1]); });
    Object.keys(replace || {}).forEach(function (name) { params.set(name, replace[name]); });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
      body: params
    });
  }

  function draftKeyPrefix(userId) {
    return DRAFT_PREFIX + userId + ".";
  }

  function draftKey(userId, visitId) {
    return draftKeyPrefix(userId) + visitId;
  }

  window.Intake = {
    DRAFT_PREFIX: DRAFT_PREFIX,
    csrfToken: csrfToken,
    postForm: postForm,
    draftKey: draftKey,
    draftKeyPrefix: draftKeyPrefix
  };
})();
