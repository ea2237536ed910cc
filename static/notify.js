// "E-mail me when it is answered": offered to a resident right after they post an issue.
// Speaks `notify_when_answered` {issue_id, email} on the room's socket (room.js's PACT.room.send).
(function () {
  "use strict";
  var form = document.getElementById("notify-form");
  if (!form) return;
  var input = document.getElementById("notify-email");
  var status = document.getElementById("notify-status");
  var issueId = null;
  window.PACT = window.PACT || {};
  window.PACT.postedHooks = window.PACT.postedHooks || [];
  window.PACT.postedHooks.push(function (issue) {
    if (!issue || issue.status === "hidden") return;
    issueId = issue.id;
    status.textContent = "";
    input.removeAttribute("aria-invalid");
    form.hidden = false;
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (issueId === null || !window.PACT.room) return;
    window.PACT.room.send("notify_when_answered", { issue_id: issueId, email: input.value }).then(function (ack) {
      if (ack.ok) {
        status.textContent = window.PACT.room.messages.notify_saved;
        input.value = "";
        input.removeAttribute("aria-invalid");
      } else {
        status.textContent = ack.message;
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
    });
  });
})();
