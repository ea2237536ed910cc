/* PACT Live meeting room: speaks the /meeting Socket.IO protocol (see CONTRACT.md).
 * All user text goes into the page through textContent, never as HTML. */
(function () {
  "use strict";

  var root = document.getElementById("room");
  if (!root || typeof io === "undefined") return;

  var meetingId = Number(root.dataset.meetingId);
  var isStaffPage = root.dataset.staff === "true";
  var maxLength = Number(root.dataset.maxLength) || 1000;
  var tokenKey = "pact:token:" + meetingId;
  var draftKey = "pact:draft:" + meetingId;
  var nameKey = "pact:name";

  var state = { meeting: null, issues: new Map(), me: null, joined: false };
  var $ = function (id) { return document.getElementById(id); };
  // The page says live participation needs JavaScript until this script runs; then the live parts show.
  if ($("needs-js")) $("needs-js").hidden = true;
  Array.prototype.forEach.call(document.querySelectorAll(".live-only"), function (node) { node.hidden = false; });
  var els = {
    stage: $("stage"), watching: $("watching"), connection: $("connection"), announcer: $("announcer"),
    notice: $("notice"), joinPanel: $("join-panel"), joinForm: $("join-form"), name: $("display-name"),
    joinError: $("join-error"), postPanel: $("post-panel"), postForm: $("post-form"), text: $("issue-text"),
    category: $("issue-category"), count: $("issue-count"), postError: $("post-error"), issues: $("issues"),
    pause: $("pause-updates"), votesLeft: $("votes-left"), officerError: $("officer-error")
  };
  var STAGE_LABELS = { scheduled: "Scheduled", live: "Live — raise and support issues",
                       voting: "Voting on priorities", closed: "Closed" };
  var STATUS_LABELS = { held: "Waiting for a moderator", hidden: "Hidden by a moderator", merged: "Merged with another issue",
                        answered: "Answered", open: "" };

  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function announce(message) {
    if (els.pause && els.pause.checked) return;
    var line = el("p", null, message);
    els.announcer.appendChild(line);
    while (els.announcer.childNodes.length > 5) els.announcer.removeChild(els.announcer.firstChild);
  }
  function showNotice(message) {
    els.notice.textContent = message || "";
    els.notice.hidden = !message;
  }
  function setConnection(text, ok) {
    els.connection.textContent = text;
    els.connection.classList.toggle("ok", !!ok);
  }

  // ---- socket ---------------------------------------------------------------------------------
  var socket = io("/meeting", { transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });

  function send(event, payload) {
    return new Promise(function (resolve) {
      if (!socket.connected) {
        resolve({ ok: false, error: "offline", message: "You are offline; we will reconnect and you can try again." });
        return;
      }
      socket.timeout(10000).emit(event, payload, function (err, ack) {
        if (err) resolve({ ok: false, error: "timeout", message: "No answer from the server. Please try again." });
        else resolve(ack || { ok: false, error: "no_reply", message: "No answer from the server." });
      });
    });
  }

  // When a crowd arrives at once the server may answer `unavailable`: wait as it asks, with jitter
  // so everyone does not come back in the same instant, and try again a few times.
  function sendPatiently(event, payload, attempt) {
    attempt = attempt || 0;
    return send(event, payload).then(function (ack) {
      if (ack.ok || ack.error !== "unavailable" || attempt >= 5) return ack;
      var wait = (ack.retry_after || 1) * 1000 * (1 + Math.random());
      return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
        return sendPatiently(event, payload, attempt + 1);
      });
    });
  }

  function join(payload) {
    payload.meeting_id = meetingId;
    return sendPatiently("join", payload).then(function (ack) {
      if (!ack.ok) return ack;
      state.me = ack.participant;
      state.joined = true;
      if (ack.participant.role === "resident") store(tokenKey, ack.resume_token);
      applyState(ack.state);
      els.joinPanel.hidden = true;
      return ack;
    });
  }

  function rejoin() {
    var token = load(tokenKey);
    if (isStaffPage) return join({});
    if (token) {
      return join({ resume_token: token }).then(function (ack) {
        if (!ack.ok) {
          if (ack.error === "invalid_token") store(tokenKey, null);
          showJoin(ack.error === "invalid_token" ? "" : ack.message);
        }
        return ack;
      });
    }
    showJoin("");
    return watch();
  }

  // Follow the meeting without a name: most residents only watch. Joining replaces the watcher.
  function watch() {
    return sendPatiently("watch", { meeting_id: meetingId }).then(function (ack) {
      if (ack.ok) applyState(ack.state);
      return ack;
    });
  }
  function refresh() {
    if (state.joined) return send("sync", {}).then(function (a) { if (a.ok) applyState(a.state); });
    return watch();
  }

  socket.on("connect", function () {
    setConnection("Connected", true);
    rejoin();
  });
  function lost() { setConnection(navigator.onLine === false ? "Offline — reconnecting…" : "Reconnecting…", false); }
  socket.on("disconnect", lost);
  socket.on("connect_error", lost);
  // A phone that loses signal says so at once; back online, reconnect now rather than after the backoff.
  window.addEventListener("offline", lost);
  window.addEventListener("online", function () { if (!socket.connected) socket.connect(); });
  socket.on("state", applyState);
  socket.on("resync", function () { refresh(); });
  socket.on("issue_posted", function (issue) {
    if (state.issues.has(issue.id)) return;
    upsert(issue);
    announce("New issue from " + issue.author + ": " + issue.text);
  });
  socket.on("issue_updated", function (issue) {
    var before = state.issues.get(issue.id);
    upsert(issue);
    if (issue.answer && (!before || !before.answer || before.answer.text !== issue.answer.text)) {
      announce("Answer from " + issue.answer.by + ": " + issue.answer.text);
    }
  });
  socket.on("tallies", function (counts) {
    Object.keys(counts).forEach(function (id) {
      var issue = state.issues.get(Number(id));
      if (issue) { issue.votes = counts[id]; if (state.meeting && state.meeting.stage !== "voting") issue.support = counts[id]; }
    });
    scheduleRender();
  });
  socket.on("stage_changed", function (data) {
    announce("The meeting is now: " + (STAGE_LABELS[data.stage] || data.stage));
    refresh();
  });
  socket.on("presence", function (data) { els.watching.textContent = String(data.watching); });
  socket.on("signed_out", function (data) { showNotice(data.message); });
  socket.on("muted", function (data) { if (state.me) state.me.muted = true; showNotice(data.message); renderPanels(); });
  socket.on("unmuted", function (data) { if (state.me) state.me.muted = false; showNotice(data.message); renderPanels(); });
  socket.on("removed", function (data) { state.joined = false; store(tokenKey, null); showNotice(data.message); renderPanels(); });
  socket.on("meeting_closed", function (data) {
    showNotice("The meeting has closed. ");
    var link = el("a", null, "Read the summary"); link.href = data.summary_url; els.notice.appendChild(link);
  });

  // ---- state and rendering --------------------------------------------------------------------
  function applyState(snapshot) {
    state.meeting = snapshot.meeting;
    state.issues = new Map();
    snapshot.issues.forEach(function (issue) { state.issues.set(issue.id, issue); });
    els.watching.textContent = String(snapshot.presence.watching);
    renderStage();
    renderPanels();
    render();
    (window.PACT.stateHooks || []).forEach(function (hook) { hook(state, snapshot); });
  }

  function upsert(issue) {
    var existing = state.issues.get(issue.id);
    if (existing && issue.my_vote === undefined) issue.my_vote = existing.my_vote;
    var visible = issue.status !== "hidden" && issue.status !== "held" && issue.status !== "merged";
    if (visible || isStaff() || issue.mine || (existing && existing.mine)) state.issues.set(issue.id, issue);
    else state.issues.delete(issue.id);
    scheduleRender();
  }

  function isStaff() { return !!(state.me && state.me.role !== "resident"); }
  function stage() { return state.meeting ? state.meeting.stage : "scheduled"; }

  function renderStage() {
    var s = stage();
    els.stage.textContent = STAGE_LABELS[s] || s;
    els.stage.className = "badge badge-" + s;
  }

  function renderPanels() {
    var s = stage();
    var canPost = state.joined && (s === "live" || s === "scheduled") && !(state.me && state.me.muted);
    els.postPanel.hidden = !canPost;
    if (state.me && state.me.muted) showNotice("A moderator has muted you: you can watch but not post or vote.");
  }

  function showJoin(message) {
    els.joinPanel.hidden = false;
    els.joinError.textContent = message || "";
    if (!els.name.value) els.name.value = load(nameKey) || "";
  }

  var renderPending = false;
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    window.requestAnimationFrame(function () { renderPending = false; render(); });
  }

  function sortedIssues() {
    var voting = stage() === "voting";
    return Array.from(state.issues.values()).sort(function (a, b) {
      if (voting && a.shortlisted !== b.shortlisted) return a.shortlisted ? -1 : 1;
      return (b.votes - a.votes) || (a.id - b.id);
    });
  }

  function focusables(li) {
    return Array.prototype.slice.call(li.querySelectorAll("button, input, select, textarea, a[href]"));
  }
  function isTyping(node) {
    return node && (node.tagName === "TEXTAREA" || node.tagName === "SELECT" ||
                    (node.tagName === "INPUT" && node.type !== "checkbox" && node.type !== "radio"));
  }

  function render() {
    var list = sortedIssues();
    // Redrawing or moving an item takes the keyboard focus with it: note where it was, to put it back.
    var active = document.activeElement;
    var activeLi = active && els.issues.contains(active) ? active.closest("li[data-issue-id]") : null;
    var activeIndex = activeLi ? focusables(activeLi).indexOf(active) : -1;
    var caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    var focusedId = activeLi ? activeLi.dataset.issueId : null;
    var existing = {};
    Array.prototype.forEach.call(els.issues.querySelectorAll("li[data-issue-id]"), function (li) {
      existing[li.dataset.issueId] = li;
    });
    var fragment = [];
    list.forEach(function (issue) {
      var li = existing[issue.id];
      var key = issueKey(issue);
      if (!li || li.dataset.key !== key) {
        var fresh = renderIssue(issue);
        fresh.dataset.key = key;
        if (li && String(issue.id) === focusedId && isTyping(active)) {
          fresh = li; // keep an officer's half-written answer or reason while they type
        } else if (li) {
          li.replaceWith(fresh); // the stale item must go, or the issue shows twice
        }
        li = fresh;
      }
      delete existing[issue.id];
      fragment.push(li);
    });
    Object.keys(existing).forEach(function (id) { existing[id].remove(); });
    var empty = els.issues.querySelector(".empty");
    if (empty) empty.remove();
    fragment.forEach(function (li, i) {
      if (els.issues.children[i] !== li) els.issues.insertBefore(li, els.issues.children[i] || null);
    });
    if (!list.length) els.issues.appendChild(el("li", "empty muted", "No issues yet."));
    if (activeLi && (!document.activeElement || document.activeElement === document.body)) {
      var now = els.issues.querySelector('li[data-issue-id="' + focusedId + '"]');
      var target = now && focusables(now)[activeIndex];
      if (target && !target.disabled) {
        target.focus({ preventScroll: true });
        if (caret && target === active) try { target.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not text */ }
      }
    }
    renderVotesLeft();
  }

  function issueKey(issue) {
    return [issue.votes, issue.support, issue.my_vote, issue.status, issue.shortlisted, issue.answer ? issue.answer.text : "",
            issue.moderation_reason || "", stage(), state.me ? state.me.muted : "",
            issue.in_room, state.meeting ? state.meeting.room_size : ""].join("|");  // hybrid meetings
  }

  function renderVotesLeft() {
    if (stage() !== "voting" || !state.meeting || isStaff()) { els.votesLeft.hidden = true; return; }
    var used = 0;
    state.issues.forEach(function (i) { if (i.my_vote) used += 1; });
    var left = Math.max(0, state.meeting.votes_per_resident - used);
    els.votesLeft.hidden = false;
    els.votesLeft.textContent = "You have " + left + " of " + state.meeting.votes_per_resident + " priority votes left.";
  }

  function renderIssue(issue) {
    var li = el("li", "issue status-" + issue.status);
    li.dataset.issueId = issue.id;
    var headingId = "issue-" + issue.id + "-text";
    var text = el("p", "issue-text", issue.text);
    text.id = headingId;
    li.appendChild(text);
    var meta = el("p", "issue-meta muted small", categoryLabel(issue.category) + " · raised by " + issue.author);
    if (issue.staff) meta.appendChild(el("span", "badge badge-staff", "Police staff"));  // a resident's name cannot earn this
    li.appendChild(meta);
    if (STATUS_LABELS[issue.status] && issue.status !== "answered") {
      var status = el("p", "issue-status", STATUS_LABELS[issue.status] + (issue.moderation_reason ? ": " + issue.moderation_reason : ""));
      li.appendChild(status);
    }
    var actions = el("div", "issue-actions");
    var votesText = el("span", "votes", voteLabel(issue));
    actions.appendChild(votesText);
    if (!isStaff() && state.joined) actions.appendChild(voteButton(issue, headingId));
    li.appendChild(actions);
    if (issue.answer) {
      var answer = el("div", "answer");
      answer.appendChild(el("p", "answer-by small", "Answer from " + issue.answer.by));
      answer.appendChild(el("p", null, issue.answer.text));
      li.appendChild(answer);
    }
    if (isStaff()) li.appendChild(staffControls(issue, headingId));
    (window.PACT.issueHooks || []).forEach(function (hook) { hook(li, issue); });  // hybrid.js
    return li;
  }

  function categoryLabel(key) {
    var option = els.category && els.category.querySelector('option[value="' + CSS.escape(key) + '"]');
    return option ? option.textContent : key;
  }

  function voteLabel(issue) {
    if (stage() === "voting") {
      return issue.shortlisted ? issue.votes + (issue.votes === 1 ? " priority vote" : " priority votes")
                               : issue.support + " support";
    }
    return issue.votes + (issue.votes === 1 ? " person shares this" : " people share this");
  }

  function voteButton(issue, labelledBy) {
    var voting = stage() === "voting";
    var button = el("button", "vote-button", voting ? (issue.my_vote ? "Remove my priority vote" : "Vote as a priority")
                                                    : (issue.my_vote ? "I share this (undo)" : "I share this"));
    button.type = "button";
    button.setAttribute("aria-pressed", issue.my_vote ? "true" : "false");
    button.setAttribute("aria-describedby", labelledBy);
    var closed = stage() === "closed" || (voting && !issue.shortlisted) || (state.me && state.me.muted) ||
                 issue.status === "held" || issue.status === "hidden";
    button.disabled = !!closed;
    button.addEventListener("click", function () {
      var event = issue.my_vote ? "unvote" : "vote";
      button.disabled = true;
      send(event, { issue_id: issue.id }).then(function (ack) {
        button.disabled = false;
        if (ack.ok || ack.error === "duplicate") {
          issue.my_vote = event === "vote";
          state.issues.set(issue.id, issue);
          render();
          var again = els.issues.querySelector('li[data-issue-id="' + issue.id + '"] .vote-button');
          if (again) again.focus();
        } else {
          showNotice(ack.message);
        }
      });
    });
    return button;
  }

  // Officers' per-issue controls; moderation.js adds more through window.PACT.staffControls.
  function staffControls(issue, labelledBy) {
    var box = el("div", "staff-controls");
    var form = el("form", "answer-form stack");
    var id = "answer-" + issue.id;
    var label = el("label", null, issue.answer ? "Update the answer" : "Answer this issue");
    label.htmlFor = id;
    var area = el("textarea");
    area.id = id; area.rows = 2; area.maxLength = 4000;
    var error = el("p", "error"); error.id = id + "-error"; error.setAttribute("aria-live", "assertive");
    area.setAttribute("aria-describedby", error.id);
    var submit = el("button", null, "Send answer"); submit.type = "submit";
    form.appendChild(label); form.appendChild(area); form.appendChild(error); form.appendChild(submit);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send("answer", { issue_id: issue.id, text: area.value }).then(function (ack) {
        if (ack.ok) { area.value = ""; error.textContent = ""; } else { error.textContent = ack.message; area.focus(); }
      });
    });
    box.appendChild(form);
    (window.PACT.staffControlHooks || []).forEach(function (hook) { hook(box, issue, send, labelledBy); });
    return box;
  }

  // ---- forms ----------------------------------------------------------------------------------
  els.joinForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var name = els.name.value.trim();
    if (!name) { els.joinError.textContent = "Enter a display name to join."; els.name.focus(); return; }
    var about = window.PACT.aboutMe ? window.PACT.aboutMe() : {};  // optional fields (pulse.js)
    join(Object.assign({ display_name: name }, about)).then(function (ack) {
      if (ack.ok) { store(nameKey, name); els.text.focus(); }
      else { els.joinError.textContent = ack.message; els.name.setAttribute("aria-invalid", "true"); els.name.focus(); }
    });
  });

  els.text.value = load(draftKey) || "";
  function updateCount() {
    var n = els.text.value.trim().length;
    els.count.textContent = n.toLocaleString("en-GB") + " of " + maxLength.toLocaleString("en-GB") + " characters";
  }
  updateCount();
  els.text.addEventListener("input", function () { store(draftKey, els.text.value); updateCount(); });

  els.postForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = els.text.value;
    if (!text.trim()) { setPostError("Write your issue first."); return; }
    send("post_issue", { text: text, category: els.category.value }).then(function (ack) {
      if (!ack.ok) {
        setPostError(ack.message + (ack.retry_after ? "" : ""));
        return;
      }
      setPostError("");
      els.text.value = ""; store(draftKey, null); updateCount();
      upsert(ack.issue);
      if (ack.message) showNotice(ack.message); else announce("Your issue was posted.");
      (window.PACT.postedHooks || []).forEach(function (hook) { hook(ack.issue); });  // notify.js
    });
  });
  function setPostError(message) {
    els.postError.textContent = message;
    if (message) { els.text.setAttribute("aria-invalid", "true"); els.text.focus(); }
    else els.text.removeAttribute("aria-invalid");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-stage]"), function (button) {
    button.addEventListener("click", function () {
      send("set_stage", { stage: button.dataset.stage }).then(function (ack) {
        els.officerError.textContent = ack.ok ? "" : ack.message;
      });
    });
  });

  window.PACT = window.PACT || {};
  window.PACT.room = { state: state, send: send, render: render, socket: socket, announce: announce, showNotice: showNotice,
                      el: el };  // el: the one element builder (text only through textContent)
  window.PACT.staffControlHooks = window.PACT.staffControlHooks || [];
  window.PACT.stateHooks = window.PACT.stateHooks || [];  // (state, snapshot) after every fresh state
})();
