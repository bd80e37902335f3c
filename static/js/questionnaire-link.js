// Intake link page: a "Copy link" button for sending the link by text or email.
(function () {
  "use strict";

  var source = document.querySelector("[data-copy-source]");
  var button = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
  if (!source || !button || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.value).then(
      function () {
        status.textContent = "Link copied.";
      },
      function () {
        source.select();
        status.textContent = "Select the link and copy it.";
      }
    );
  });
  source.addEventListener("focus", function () {
    source.select();
  });
})();
