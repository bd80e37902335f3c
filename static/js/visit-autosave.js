/*
 * Autosave for a draft visit note.
 *
 * Every change is written at once to localStorage (so a dropped Wi-Fi or a closed tab loses no
 * keystroke) and sent to the server a few seconds later with the note's version. When the link
 * is down the draft waits in the browser and is sent when it is back. A save refused because the
 * draft changed elsewhere (409) shows both versions and lets the practitioner choose.
 * A save that fails (no answer, or not the server's JSON: signed out, a proxy error) is retried
 * a few times, each wait longer than the last, marked as a retry so the server does not count it
 * as activity; then it stops and says "Not saved — check your connection" until the next change.
 * The browser copy is removed as soon as the server holds the same note. It is kept under the
 * author's user id and the visit id, so on a shared tablet nobody else is shown it; it also
 * records where to send it, so visit-drafts.js can send it from any page and on "Sign out".
 * Needs static/js/intake.js (the draft key, the form POST) and visit-note.js (the rows), loaded first.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-visit-note][data-autosave-url]");
  if (!form) return;

  var SEND_AFTER_MS = 2000;   // quiet time after the last change before sending
  var SEND_AT_LEAST_MS = 5000; // while typing continuously, still send this often
  // Waits before each automatic retry of a failed save; after the last, stop and say so.
  var RETRY_AFTER_MS = [10000, 30000, 90000];
  var GAVE_UP = "Not saved — check your connection. Your typing is kept on this tablet; it is sent with your next change.";
  var NOT_STORED = { csrf_token: true, action: true, apply_protocol: true };

  var url = form.getAttribute("data-autosave-url");
  var visitId = form.getAttribute("data-visit-id");
  var userId = form.getAttribute("data-user-id");
  // The key names the author: see static/js/visit-drafts.js, which cleans up on sign-out.
  var storageKey = Intake.draftKey(userId, visitId);
  // Before drafts were keyed by user; only this visit's practitioner can open this page, so it is theirs.
  var legacyKey = Intake.DRAFT_PREFIX + visitId;
  var versionInput = form.querySelector("input[name='version']");
  var status = form.querySelector("[data-autosave-status]");
  var panel = document.getElementById("conflict-panel");
  var timer = null;
  var firstUnsentChange = null;
  var inFlight = false;
  var sendAgain = false;
  var paused = false; // while a conflict waits for the practitioner's choice
  var failures = 0; // failed saves in a row since the last answer from the server or the last change
  var retryTimer = null;

  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (!NOT_STORED[name] && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  function serialise(pairs) {
    return JSON.stringify(pairs.filter(function (pair) { return pair[0] !== "version"; }));
  }

  function readStored() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  function adoptLegacyDraft() {
    try {
      var legacy = window.localStorage.getItem(legacyKey);
      if (legacy === null) return;
      if (window.localStorage.getItem(storageKey) === null) {
        var kept = JSON.parse(legacy);
        kept.userId = userId;
        kept.visitId = visitId;
        kept.url = url;
        window.localStorage.setItem(storageKey, JSON.stringify(kept));
      }
      window.localStorage.removeItem(legacyKey);
    } catch (error) {
      /* an unreadable old copy is left alone */
    }
  }

  function store() {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({
        userId: userId,
        visitId: visitId,
        url: url,
        version: versionInput.value,
        fields: fields().filter(function (pair) { return pair[0] !== "version"; }),
        keptAt: new Date().toISOString()
      }));
    } catch (error) {
      say("This tablet cannot keep a copy of the note; stay online until it is saved.", "warning");
    }
  }

  function forget() {
    window.localStorage.removeItem(storageKey);
  }

  function say(text, kind) {
    status.textContent = text;
    status.setAttribute("data-state", kind || "");
  }

  function schedule() {
    clearTimeout(timer);
    var now = Date.now();
    if (firstUnsentChange === null) firstUnsentChange = now;
    var wait = Math.min(SEND_AFTER_MS, Math.max(0, firstUnsentChange + SEND_AT_LEAST_MS - now));
    timer = setTimeout(send, wait);
  }

  /* After a failed save: try again later, a few times, then stop and say so. */
  function retryLater(message) {
    clearTimeout(retryTimer);
    if (failures >= RETRY_AFTER_MS.length) {
      say(GAVE_UP, "error");
      return;
    }
    say(message, "error");
    var wait = RETRY_AFTER_MS[failures];
    failures += 1;
    retryTimer = setTimeout(function () { if (readStored()) send({ retry: true }); }, wait);
  }

  function onChange(event) {
    if (event && event.target && event.target.id === "point-search-input") return;
    failures = 0; // a person typed: a fresh save, not a retry
    clearTimeout(retryTimer);
    store();
    say("Changes not sent yet…", "pending");
    if (!paused) schedule();
  }

  function send(options) {
    var retry = !!(options && options.retry);
    clearTimeout(timer);
    if (paused) return;
    if (inFlight) { sendAgain = true; return; }
    if (!navigator.onLine) {
      say("Offline: your changes are kept on this tablet and will be sent when the connection is back.", "offline");
      return;
    }
    var pairs = fields();
    var sent = serialise(pairs);
    inFlight = true;
    firstUnsentChange = null;
    say("Saving…", "pending");
    Intake.postForm(url, pairs, { version: versionInput.value }, { retry: retry }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) return { status: response.status || 0, data: null };
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight = false;
      handle(result, sent);
      if (sendAgain && !paused) { sendAgain = false; schedule(); }
    }).catch(function () {
      inFlight = false;
      if (!navigator.onLine) {
        say("Offline: your changes are kept on this tablet and will be sent when the connection is back.", "offline");
        return; // the "online" event sends them
      }
      retryLater("Not saved: no answer from the server. Your typing is kept on this tablet; trying again shortly.");
    });
  }

  function handle(result, sent) {
    var data = result.data;
    clearErrors();
    if (data) failures = 0; // the server answered: whatever it said, the connection works
    if (data && (data.status === "saved" || data.status === "unchanged")) {
      versionInput.value = data.version;
      if (serialise(fields()) === sent) {
        forget();
        say("Saved " + data.saved_at, "saved");
      } else {
        store(); // typed while saving: keep the rest, now on top of the new version
        schedule();
      }
    } else if (data && data.status === "conflict") {
      showConflict(data);
    } else if (data && data.status === "invalid") {
      showErrors(data.errors || {});
      say("Not saved: fix the highlighted field. Your typing is kept on this tablet.", "error");
    } else if (data && data.status === "locked") {
      paused = true;
      say(data.message + " Your unsent changes are kept on this tablet.", "error");
    } else {
      retryLater("Not saved (signed out or refused by the server). Your typing is kept on this tablet; reload the page after signing in.");
    }
  }

  function clearErrors() {
    var old = form.querySelectorAll("[data-autosave-error]");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var marked = form.querySelectorAll("[data-autosave-invalid]");
    for (var j = 0; j < marked.length; j++) {
      marked[j].removeAttribute("aria-invalid");
      marked[j].removeAttribute("data-autosave-invalid");
    }
  }

  function showErrors(errors) {
    Object.keys(errors).forEach(function (id) {
      var field = document.getElementById(id) || form.querySelector("[name='" + id + "']");
      if (!field) return;
      var message = document.createElement("p");
      message.className = "field__error";
      message.setAttribute("data-autosave-error", "");
      message.textContent = errors[id];
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("data-autosave-invalid", "");
      var place = field.closest(".field, .point-row > div, .electro-row > div, fieldset") || field.parentNode;
      place.appendChild(message);
    });
  }

  function showConflict(data) {
    paused = true;
    var rows = panel.querySelector("[data-conflict-rows]");
    rows.textContent = "";
    (data.changes || []).forEach(function (change) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = change[0];
      tr.appendChild(th);
      [change[1], change[2]].forEach(function (text) {
        var td = document.createElement("td");
        td.className = "prewrap";
        td.textContent = text;
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    panel.querySelector("[data-conflict-saved-at]").textContent = data.saved_at;
    panel.querySelector("table").hidden = false;
    panel.setAttribute("data-version", data.version);
    panel.setAttribute("data-filled-here", "");
    panel.hidden = false;
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
    say("Not saved: this note was changed elsewhere. Choose which version to keep.", "error");
  }

  panel.addEventListener("click", function (event) {
    // Shown by the server after a form save: its buttons submit the form or reload the note, as without JavaScript.
    if (!panel.hasAttribute("data-filled-here")) return;
    if (event.target.closest("[data-conflict-keep-mine]")) {
      event.preventDefault();
      // Save over the other version, knowingly: send ours against the version we were shown.
      versionInput.value = panel.getAttribute("data-version");
      store();
      panel.hidden = true;
      paused = false;
      send();
    } else if (event.target.closest("[data-conflict-take-theirs]")) {
      event.preventDefault();
      forget();
      window.location.reload();
    }
  });

  /* Put a kept draft back into the form (rows it needs are created first). */
  function restore(kept) {
    var wanted = {};
    kept.fields.forEach(function (pair) {
      var match = /^(points|electro_pairs)-(\d+)-/.exec(pair[0]);
      if (match) wanted[match[1] + "-" + match[2]] = [match[1], parseInt(match[2], 10)];
    });
    Object.keys(wanted).forEach(function (key) {
      var kind = wanted[key][0], index = wanted[key][1];
      if (!form.querySelector("[name^='" + key + "-']")) {
        if (kind === "points") window.visitNote.addPointRow(index);
        else window.visitNote.addElectroRow(index);
      }
    });
    var values = {};
    kept.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    var controls = form.elements;
    for (var i = 0; i < controls.length; i++) {
      var control = controls[i];
      if (!control.name || NOT_STORED[control.name] || control.name === "version" || control.type === "submit" || control.type === "button" || control.id === "point-search-input") continue;
      var given = values[control.name] || [];
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = given.indexOf(control.value) !== -1;
      } else if (control.tagName === "SELECT" && control.multiple) {
        for (var k = 0; k < control.options.length; k++) control.options[k].selected = given.indexOf(control.options[k].value) !== -1;
      } else {
        control.value = given.length ? given[0] : "";
      }
    }
    var rows = form.querySelectorAll("[data-point-row]");
    for (var r = 0; r < rows.length; r++) window.visitNote.showName(rows[r]);
    // The kept copy was typed on top of its version: if the server moved on since, that is a conflict.
    versionInput.value = kept.version;
  }

  function start() {
    adoptLegacyDraft();
    var kept = readStored();
    if (kept && kept.fields) {
      if (serialise(kept.fields) === serialise(fields())) {
        forget();
      } else {
        restore(kept);
        form.dispatchEvent(new CustomEvent("visit-note:restored")); // folded parts holding what came back open
        say("Restored changes kept on this tablet; sending them…", "pending");
        send();
      }
    }
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  window.addEventListener("online", function () {
    failures = 0;
    if (readStored()) send({ retry: true }); // the connection came back, not a person
  });
  window.addEventListener("offline", function () {
    say("Offline: your changes are kept on this tablet and will be sent when the connection is back.", "offline");
  });
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      store();
      say("Offline: nothing was submitted. Your changes are kept on this tablet; try again when the connection is back.", "offline");
      return;
    }
    // The submitted form carries everything typed; the server answers with the saved note.
    clearTimeout(timer);
    paused = true;
    forget();
  });

  // visit-note.js (loaded first) has made the rows; restore after it.
  start();
})();
