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
  // Hold labels come from the server (pact/meetings/safeguarding HOLD_LABELS), never copied here.
  var HOLDS = {};
  try { HOLDS = JSON.parse((panel && panel.dataset.holdLabels) || "{}"); } catch (e) { HOLDS = {}; }

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
    var reason = el("input"); reason.id = reasonId; reason.maxLength = room.limits.reason;
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
    if (issue.status === "held") row.appendChild(button("Edit out personal details and publish", function () {
      redactForm(group, issue, send, error, reason);
    }, labelledBy));
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

  // Redact: the officer edits the post and publishes the rest; the original stays for staff only.
  function redactForm(group, issue, send, error, reason) {
    if (group.querySelector(".redact-form")) { group.querySelector(".redact-form textarea").focus(); return; }
    var form = el("form", "redact-form stack");
    var id = "redact-" + issue.id + "-" + Math.random().toString(36).slice(2, 7);
    var label = el("label", "small", "The post as it will be published"); label.htmlFor = id;
    var area = el("textarea"); area.id = id; area.rows = 3; area.maxLength = room.limits.issue; area.value = issue.text;
    var submit = el("button", "small-button", "Publish the edited post"); submit.type = "submit";
    form.appendChild(label); form.appendChild(area); form.appendChild(submit);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var payload = { issue_id: issue.id, action: "redact", text: area.value };
      if (reason.value.trim()) payload.reason = reason.value.trim();
      send("moderate", payload).then(function (ack) { error.textContent = ack.ok ? "" : ack.message; });
    });
    group.insertBefore(form, error);
    area.focus();
  }

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
    // Emergency and welfare holds first, then the rest; oldest first within each.
    held.sort(function (a, b) { return (isUrgent(b) - isUrgent(a)) || (a.id - b.id); });
    renderAlert(held.filter(isUrgent));
    var order = held.map(function (i) { return i.id + (overdue(i) ? "!" : ""); }).join(",");
    if (queue.contains(document.activeElement) && held.length && queue.dataset.order === order) return;
    queue.dataset.order = order;
    queue.textContent = "";
    count.textContent = String(held.length);
    if (!held.length) { queue.appendChild(el("li", "empty muted", "Nothing is waiting.")); return; }
    held.forEach(function (issue) {
      var li = el("li", "issue status-held" + (isUrgent(issue) ? " hold-urgent" : "") + (overdue(issue) ? " overdue" : ""));
      li.dataset.issueId = issue.id;
      li.dataset.hold = issue.hold_reason || "";
      if (isUrgent(issue)) li.appendChild(el("p", "urgent-label", issue.hold_reason === "welfare" ? "Welfare — read now" : "Emergency — read now"));
      var textId = "queue-" + issue.id + "-text";
      var text = el("p", "issue-text", issue.text); text.id = textId;
      li.appendChild(text);
      var waited = minutesWaiting(issue);
      li.appendChild(el("p", "issue-meta muted small", "from " + issue.author + (waited === null ? "" : " · waiting " + waited + " min")));
      if (overdue(issue)) li.appendChild(el("p", "overdue-label small", "Waiting longer than " + overdueMinutes + " minutes"));
      if (issue.answer) li.appendChild(el("p", "small", "Replied: " + issue.answer.text));
      controls(li, issue, room.send, textId);
      queue.appendChild(li);
    });
  }
  ["state", "issue_posted", "issue_updated", "resync", "participant_updated"].forEach(function (name) {
    room.socket.on(name, function () { window.setTimeout(scheduleQueue, 0); });
  });
  window.setInterval(scheduleQueue, 30000);  // waiting times and the overdue flag move on

  // ---- emergency and welfare: alert, sound (mutable), overdue flag -------------------------------
  var overdueMinutes = Number(panel.dataset.overdueMinutes) || 5;
  var alertBox = document.getElementById("urgent-alert");
  var mute = document.getElementById("mute-alerts");
  var alerted = {};
  try { mute.checked = localStorage.getItem("pact:mute-alerts") === "1"; } catch (e) { /* private mode */ }
  mute.addEventListener("change", function () {
    try { localStorage.setItem("pact:mute-alerts", mute.checked ? "1" : "0"); } catch (e) { /* private mode */ }
  });
  function isUrgent(issue) { return issue.hold_reason === "emergency" || issue.hold_reason === "welfare" ? 1 : 0; }
  function minutesWaiting(issue) {
    var at = Date.parse(issue.created_at);
    return isNaN(at) ? null : Math.max(0, Math.floor((Date.now() - at) / 60000));
  }
  function overdue(issue) { var m = minutesWaiting(issue); return m !== null && m >= overdueMinutes; }
  function renderAlert(urgent) {
    if (!urgent.length) { alertBox.hidden = true; alertBox.textContent = ""; return; }
    var fresh = urgent.filter(function (i) { return !alerted[i.id]; });
    var text = urgent.length === 1 ? "1 emergency or welfare post is waiting at the top of the queue."
                                   : urgent.length + " emergency or welfare posts are waiting at the top of the queue.";
    if (alertBox.textContent !== text) alertBox.textContent = text;
    alertBox.hidden = false;
    if (fresh.length) {
      fresh.forEach(function (i) { alerted[i.id] = true; });
      if (!mute.checked) beep();
    }
  }
  function beep() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.4);
      osc.onended = function () { ctx.close(); };
    } catch (e) { /* no sound available */ }
  }

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
