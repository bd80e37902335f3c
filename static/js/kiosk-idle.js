/*
 * Clinic tablet: after the inactivity limit without a tap or a key, the questionnaire is hidden
 * behind "Continue" and the patient's date of birth (the page goes to the confirmation). While the
 * patient is typing, the server is told (at most once a minute), so a long answer is not refused.
 */
(function () {
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var idleMs = parseInt(script.dataset.idleSeconds, 10) * 1000;
  var activeUrl = script.dataset.activeUrl;
  var confirmUrl = script.dataset.confirmUrl;
  if (!(idleMs > 0) || !activeUrl || !confirmUrl) {
    return;
  }
  var reportEveryMs = Math.min(60000, idleMs / 2);
  var lastReported = Date.now(); // loading this page was a request the server counted
  var timer = null;

  function hide() {
    window.location.replace(confirmUrl);
  }

  function restartTimer() {
    window.clearTimeout(timer);
    timer = window.setTimeout(hide, idleMs);
  }

  function report() {
    if (!window.Intake || !Intake.csrfToken()) {
      return;
    }
    Intake.postForm(activeUrl, [])
      .then(function (response) {
        if (response.status === 409) {
          hide(); // the server's clock ran out first: confirm before going on
        }
      })
      .catch(function () {});
  }

  function onActivity() {
    restartTimer();
    if (Date.now() - lastReported >= reportEveryMs) {
      lastReported = Date.now();
      report();
    }
  }

  ["keydown", "input", "change", "pointerdown", "scroll"].forEach(function (name) {
    document.addEventListener(name, onActivity, { capture: true, passive: true });
  });
  restartTimer();
})();
