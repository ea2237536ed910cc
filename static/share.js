/* Sharing and printing buttons (copy a link, print a page). No inline script: CSP allows only 'self'. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".share") && button.closest(".share").querySelector(".share-status");
    if (!input) return;
    button.hidden = false; // without script the address is still there to select and copy
    button.addEventListener("click", function () {
      // What it says comes from the page, in the reader's language (data-copied, data-by-hand).
      function done(ok) {
        if (status) status.textContent = ok ? button.dataset.copied : button.dataset.byHand;
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { input.select(); done(false); });
      } else {
        input.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false; // without script, the browser's own Print command does the same
    button.addEventListener("click", function () { window.print(); });
  });
})();
