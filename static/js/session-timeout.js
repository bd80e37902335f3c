/*
 * Idle timeout on shared clinic tablets (templates/auth/_session_timer.html).
 *
 * The server ends a session after SESSION_IDLE_TIMEOUT seconds without a request. This script
 * shows a warning SESSION_IDLE_WARNING seconds before, with "Stay signed in" (POST /session/ping).
 * Typing or tapping counts as activity and is reported now and then, so a long note keeps the
 * session alive. When time is up it asks the server (GET /session/status, which does not count
 * as activity), hides the page and replaces it with the sign-in page, so "Back" shows no chart.
 */
(function () {
  "use strict";

  var box = document.getElementById("session-warning");
  if (!box) {
    return;
  }
  var idleMs = Number(box.dataset.idleSeconds) * 1000;
  var warningMs = Math.min(Number(box.dataset.warningSeconds) * 1000, idleMs);
  var statusUrl = box.dataset.statusUrl;
  var pingUrl = box.dataset.pingUrl;
  var signedOutUrl = box.dataset.signedOutUrl;
  var csrfToken = box.dataset.csrfToken;
  var countdown = box.querySelector("[data-session-countdown]");
  var stayButton = box.querySelector("[data-session-stay]");
  // Report typing or tapping at most this often (a quarter of the timeout, 5 to 60 seconds).
  var activityReportMs = Math.max(5000, Math.min(60000, idleMs / 4));

  var deadline = Date.now() + idleMs; // this page's request started the server's clock
  var lastReport = Date.now();
  var asking = false;
  var leaving = false;

  function formatSeconds(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds < 60) {
      return seconds + (seconds === 1 ? " second" : " seconds");
    }
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest + " minutes";
  }

  function showWarning(msLeft) {
    countdown.textContent = formatSeconds(msLeft);
    if (box.hidden) {
      box.hidden = false;
      stayButton.focus();
    }
  }

  function hideWarning() {
    box.hidden = true;
  }

  function leave() {
    if (leaving) {
      return;
    }
    leaving = true;
    document.body.classList.add("session-ended"); // nothing of the chart stays on screen
    window.location.replace(signedOutUrl);
  }

  // Apply the server's answer: seconds left, or signed out (401, or a redirect to sign in).
  function apply(response) {
    if (!response.ok) {
      leave();
      return null;
    }
    return response.json().then(function (body) {
      if (!body.signed_in) {
        leave();
        return;
      }
      // +1 s: the server rounds down, and must have ended the session when we next ask.
      deadline = Date.now() + (body.seconds_left + 1) * 1000;
      tick();
    });
  }

  function ask(url, method) {
    if (asking) {
      return;
    }
    asking = true;
    var options = { method: method, credentials: "same-origin", redirect: "manual", headers: {} };
    if (method === "POST") {
      options.headers["X-CSRFToken"] = csrfToken;
    }
    fetch(url, options)
      .then(apply)
      .catch(function () {
        // Network trouble: if time is up anyway, leave; the sign-in page will load when it can.
        if (Date.now() >= deadline) {
          leave();
        }
      })
      .then(function () {
        asking = false;
      });
  }

  function tick() {
    var msLeft = deadline - Date.now();
    if (msLeft <= 0) {
      ask(statusUrl, "GET");
    } else if (msLeft <= warningMs) {
      if (box.hidden) {
        ask(statusUrl, "GET"); // another tab may have kept the session alive
      }
      showWarning(msLeft);
    } else {
      hideWarning();
    }
  }

  function noteActivity() {
    if (!box.hidden || leaving) {
      return; // once the warning shows, only "Stay signed in" keeps the session
    }
    if (Date.now() - lastReport >= activityReportMs) {
      lastReport = Date.now();
      ask(pingUrl, "POST");
    }
  }

  stayButton.addEventListener("click", function () {
    lastReport = Date.now();
    ask(pingUrl, "POST");
  });
  ["keydown", "pointerdown", "input"].forEach(function (type) {
    document.addEventListener(type, noteActivity, { passive: true, capture: true });
  });
  // A page restored from the back-forward cache must not show a chart: ask the server again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.body.classList.add("session-ended");
      window.location.reload();
    }
  });
  window.setInterval(tick, 1000);
})();
