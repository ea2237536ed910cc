/* PACT Live moderation: officers' per-issue controls (hide, restore, approve, ready-made replies,
 * mute and remove the author), the live queue of held posts, and the open/pre-moderated switch.
 * Residents only get the notices (moderation_changed). Text goes in through textContent only. */
(function () {
  "use strict";

  var PACT = window.PACT || {};
  var room = PACT.room;
  if (!room) return;
  var panel = document.getElementById("moderation-panel");
  var notice = document.getElementById("notice");
  var HOLDS = { emergency: "Reads like an emergency or a crime happening now", phone_number: "Phone number",
                email_address: "E-mail address", vehicle_registration: "Vehicle registration",
                street_address: "House number and street", word_list: "Word on the force's list",
                premoderated: "Waiting for approval (pre-moderated meeting)" };

  var el = room.el;  // room.js's builder: user text only ever through textContent
  function say(message) {
    if (!notice) return;
    notice.textContent = message || "";
    notice.hidden = !message;
  }

  room.socket.on("moderation_changed", function (data) {
    if (room.state.meeting) room.state.meeting.moderation = data.moderation;
    say(data.message);
    renderMode(data.moderation);
  });
  room.socket.on("access_changed", function (data) { say(data.message); });

  if (!panel) return;  // everything below is for officers' pages
  var replies = [];
  try { replies = JSON.parse(panel.dataset.replies || "[]"); } catch (e) { replies = []; }

  function button(text, onClick, describedBy) {
    var b = el("button", "small-button", text);
    b.type = "button";
    if (describedBy) b.setAttribute("aria-describedby", describedBy);
    b.addEventListener("click", onClick);
    return b;
  }

  // Builds the controls for one issue into `box`; used for every issue and for the queue.
  function controls(box, issue, send, labelledBy) {
    var group = el("fieldset", "moderation-controls");
    group.appendChild(el("legend", "small", "Moderate"));
    if (issue.status === "held" && issue.hold_reason) group.appendChild(el("p", "hold-reason small", "Held: " + (HOLDS[issue.hold_reason] || issue.hold_reason)));
    var error = el("p", "error small"); error.setAttribute("aria-live", "assertive");
    var reasonId = "reason-" + issue.id + "-" + Math.random().toString(36).slice(2, 7);
    var label = el("label", "small", "Reason shown to the author (optional)"); label.htmlFor = reasonId;
    var reason = el("input"); reason.id = reasonId; reason.maxLength = 500;
    reason.addEventListener("input", function () { error.textContent = ""; });
    function act(action) {
      return function () {
        var payload = { issue_id: issue.id, action: action };
        if (reason.value.trim()) payload.reason = reason.value.trim();
        send("moderate", payload).then(function (ack) { error.textContent = ack.ok ? "" : ack.message; });
      };
    }
    var row = el("div", "button-row");
    if (issue.status === "held") row.appendChild(button("Approve — show to everyone", act("approve"), labelledBy));
    if (issue.status !== "hidden") row.appendChild(button("Hide", act("hide"), labelledBy));
    if (issue.status === "hidden") row.appendChild(button("Restore", act("restore"), labelledBy));
    group.appendChild(label); group.appendChild(reason); group.appendChild(row);

    if (replies.length) {
      var selectId = "reply-" + reasonId;
      var rl = el("label", "small", "Ready-made reply"); rl.htmlFor = selectId;
      var select = el("select"); select.id = selectId;
      replies.forEach(function (r) { var o = el("option", null, r.label || r.key); o.value = r.key; select.appendChild(o); });
      var replyRow = el("div", "button-row");
      replyRow.appendChild(select);
      replyRow.appendChild(button("Send reply", function () {
        send("reply", { issue_id: issue.id, reply: select.value }).then(function (ack) { error.textContent = ack.ok ? "" : ack.message; });
      }, labelledBy));
      group.appendChild(rl); group.appendChild(replyRow);
    }
    if (issue.author_id) {
      var people = el("div", "button-row");
      // One toggle that shows the author's state (aria-pressed), rather than Mute and Unmute side by side.
      var muted = room.state.muted.has(issue.author_id);
      var toggle = button(muted ? "Unmute " + issue.author : "Mute " + issue.author, function () {
        var now = room.state.muted.has(issue.author_id);
        send(now ? "unmute" : "mute", { participant_id: issue.author_id }).then(function (ack) {
          done(ack);
          if (!ack.ok) return;
          if (now) room.state.muted.delete(issue.author_id);
          else room.state.muted.set(issue.author_id, { id: issue.author_id, display_name: issue.author, muted: true });
          room.renderMuted();
          room.render();
          var again = document.querySelector('li[data-issue-id="' + issue.id + '"] .mute-toggle');
          if (again) again.focus();
          room.announce(issue.author + (now ? " can post and vote again." : " is muted: they can watch but not post or vote."));
        });
      });
      toggle.classList.add("mute-toggle");
      toggle.setAttribute("aria-pressed", muted ? "true" : "false");
      people.appendChild(toggle);
      people.appendChild(el("span", "small mute-state", muted ? issue.author + " is muted." : ""));
      people.appendChild(button("Remove from meeting", function () {
        if (window.confirm("Remove " + issue.author + " from this meeting? They cannot rejoin from this browser.")) {
          send("remove", { participant_id: issue.author_id }).then(done);
        }
      }));
      group.appendChild(people);
    }
    function done(ack) { error.textContent = ack.ok ? "" : ack.message; }
    group.appendChild(error);
    box.appendChild(group);
  }
  PACT.staffControlHooks = PACT.staffControlHooks || [];
  PACT.staffControlHooks.push(controls);

  // ---- the queue of held posts, redrawn after any change ------------------------------------
  var queue = document.getElementById("moderation-queue");
  var count = document.getElementById("queue-count");
  var pending = false;
  function scheduleQueue() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; renderQueue(); });
  }
  function renderQueue() {
    var held = [];
    room.state.issues.forEach(function (issue) { if (issue.status === "held") held.push(issue); });
    held.sort(function (a, b) { return a.id - b.id; });
    if (queue.contains(document.activeElement) && held.length && queue.children.length === held.length) return;
    queue.textContent = "";
    count.textContent = String(held.length);
    if (!held.length) { queue.appendChild(el("li", "empty muted", "Nothing is waiting.")); return; }
    held.forEach(function (issue) {
      var li = el("li", "issue status-held");
      var textId = "queue-" + issue.id + "-text";
      var text = el("p", "issue-text", issue.text); text.id = textId;
      li.appendChild(text);
      li.appendChild(el("p", "issue-meta muted small", "from " + issue.author));
      if (issue.answer) li.appendChild(el("p", "small", "Replied: " + issue.answer.text));
      controls(li, issue, room.send, textId);
      queue.appendChild(li);
    });
  }
  ["state", "issue_posted", "issue_updated", "resync", "participant_updated"].forEach(function (name) {
    room.socket.on(name, function () { window.setTimeout(scheduleQueue, 0); });
  });

  // ---- open / pre-moderated -------------------------------------------------------------------
  var status = document.getElementById("mode-status");
  function renderMode(mode) {
    Array.prototype.forEach.call(panel.querySelectorAll("[data-moderation]"), function (b) {
      b.setAttribute("aria-pressed", b.dataset.moderation === mode ? "true" : "false");
    });
    status.textContent = mode === "premoderated" ? "Residents' posts wait for an officer's approval."
                                                 : "Residents' posts appear at once; safeguarding still holds some.";
  }
  renderMode(panel.dataset.mode);
  Array.prototype.forEach.call(panel.querySelectorAll("[data-moderation]"), function (b) {
    b.addEventListener("click", function () {
      room.send("set_moderation", { mode: b.dataset.moderation }).then(function (ack) {
        if (ack.ok) renderMode(ack.moderation); else status.textContent = ack.message;
      });
    });
  });
})();
