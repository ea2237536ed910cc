/* PACT Live meeting room: speaks the /meeting Socket.IO protocol (see CONTRACT.md).
 * All user text goes into the page through textContent, never as HTML. */
(function () {
  "use strict";

  var root = document.getElementById("room");
  if (!root || typeof io === "undefined") return;

  var meetingId = Number(root.dataset.meetingId);
  var isStaffPage = root.dataset.staff === "true";
  // Text limits come from the server (pact/meetings/text.py LIMITS), never copied here.
  var limits = JSON.parse(root.dataset.limits || "{}");
  var maxLength = limits.issue;
  // Messages in the reader's language come from the server (pact/views/room_messages.py); t() fills %(name)s.
  var messages = JSON.parse(root.dataset.messages || "{}");
  function t(key, values) {
    return (messages[key] || key).replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  }
  var tokenKey = "pact:token:" + meetingId;
  var draftKey = "pact:draft:" + meetingId;
  var nameKey = "pact:name";

  var state = { meeting: null, issues: new Map(), me: null, joined: false, muted: new Map(), expanded: new Set(),
                sort: "shared", filter: "all", notes: new Map() };  // notes: feedback shown beside an issue's button
  var $ = function (id) { return document.getElementById(id); };
  // The page says live participation needs JavaScript until this script runs; then the live parts show.
  if ($("needs-js")) $("needs-js").hidden = true;
  Array.prototype.forEach.call(document.querySelectorAll(".live-only"), function (node) { node.hidden = false; });
  var els = {
    stage: $("stage"), watching: $("watching"), connection: $("connection"), announcer: $("announcer"),
    notice: $("notice"), joinPanel: $("join-panel"), joinForm: $("join-form"), name: $("display-name"),
    joinError: $("join-error"), postPanel: $("post-panel"), postForm: $("post-form"), text: $("issue-text"),
    category: $("issue-category"), count: $("issue-count"), postError: $("post-error"), issues: $("issues"),
    pause: $("pause-updates"), votesLeft: $("votes-left"), officerError: $("officer-error"),
    takingPart: $("taking-part"), myName: $("my-name"), changeName: $("change-name"), postFeedback: $("post-feedback"),
    draftKept: $("draft-kept"), sort: $("issue-sort"), filter: $("issue-filter"), shown: $("issue-shown"),
    suggestions: $("suggestions"), suggestionList: $("suggestion-list"), mutedList: $("muted-list"),
    mutedCount: $("muted-count")
  };
  var STAGE_LABELS = { scheduled: messages.stage_scheduled, live: messages.stage_live,
                       voting: messages.stage_voting, closed: messages.stage_closed, cancelled: messages.stage_cancelled };
  var STATUS_LABELS = { held: messages.status_held, hidden: messages.status_hidden, merged: messages.status_merged,
                        answered: messages.status_answered, open: "" };

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
  // Feedback goes next to the control that was used (on a scrolled phone the top of the page is off
  // screen), and into the live region for screen readers.
  function feedback(node, message, isError) {
    if (node) {
      node.textContent = message || "";
      node.classList.toggle("error", !!isError);
      var box = node.getBoundingClientRect();
      if (message && (box.bottom > window.innerHeight || box.top < 0)) node.scrollIntoView({ block: "nearest" });
    }
    if (message) announce(message);
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
        resolve({ ok: false, error: "offline", message: messages.offline });
        return;
      }
      socket.timeout(10000).emit(event, payload, function (err, ack) {
        if (err) resolve({ ok: false, error: "timeout", message: messages.timeout });
        else resolve(ack || { ok: false, error: "no_reply", message: messages.no_reply });
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
      els.joinPanel.hidden = true;
      applyState(ack.state);
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
    setConnection(messages.connected, true);
    rejoin();
  });
  function lost() { setConnection(navigator.onLine === false ? messages.offline_reconnecting : messages.reconnecting, false); }
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
    announce(t("new_issue", { author: issue.author, text: issue.text }));
  });
  socket.on("issue_updated", function (issue) {
    var before = state.issues.get(issue.id);
    upsert(issue);
    if (issue.answer && (!before || !before.answer || before.answer.text !== issue.answer.text)) {
      announce(t("answer_announced", { by: issue.answer.by, text: issue.answer.text }));
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
    announce(t("stage_now", { stage: STAGE_LABELS[data.stage] || data.stage }));
    refresh();
  });
  socket.on("presence", function (data) { els.watching.textContent = String(data.watching); });
  socket.on("signed_out", function (data) { showNotice(data.message); });
  socket.on("muted", function (data) { if (state.me) state.me.muted = true; showNotice(data.message); renderPanels(); });
  socket.on("unmuted", function (data) { if (state.me) state.me.muted = false; showNotice(data.message); renderPanels(); });
  socket.on("removed", function (data) { state.joined = false; store(tokenKey, null); showNotice(data.message); renderPanels(); });
  socket.on("meeting_closed", function (data) {
    showNotice(messages.closed_notice);
    var link = el("a", null, messages.read_summary); link.href = data.summary_url; els.notice.appendChild(link);
    store(draftKey, null);
    // Everyone in the room is taken to the public summary (the link stays for a browser that stops it).
    window.setTimeout(function () { window.location.assign(data.summary_url); }, 300);
  });
  socket.on("participant_updated", function (p) {
    if (p.muted && !p.removed) state.muted.set(p.id, p); else state.muted.delete(p.id);
    renderMuted();
    scheduleRender();
  });

  // ---- state and rendering --------------------------------------------------------------------
  function applyState(snapshot) {
    state.meeting = snapshot.meeting;
    state.issues = new Map();
    snapshot.issues.forEach(function (issue) { state.issues.set(issue.id, issue); });
    if (snapshot.muted) {
      state.muted = new Map();
      snapshot.muted.forEach(function (p) { state.muted.set(p.id, p); });
      renderMuted();
    }
    els.watching.textContent = String(snapshot.presence.watching);
    renderStage();
    renderPanels();
    render();
    (window.PACT.stateHooks || []).forEach(function (hook) { hook(state, snapshot); });
  }

  function upsert(issue) {
    var existing = state.issues.get(issue.id);
    if (existing && issue.my_vote === undefined) issue.my_vote = existing.my_vote;
    if (existing && existing.mine && issue.mine === undefined) issue.mine = true;  // broadcasts do not say whose it is
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
    // staff-only: officers' controls stay English (docs/translations.md)
    // Officers: the current stage marked, and only the moves the meeting allows from it offered.
    Array.prototype.forEach.call(document.querySelectorAll("#stage-steps li"), function (li) {
      var now = li.dataset.step === s;
      li.classList.toggle("current", now);
      if (now) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      var hint = li.querySelector(".visually-hidden");
      if (now && !hint) li.appendChild(el("span", "visually-hidden", " (now)"));
      if (!now && hint) hint.remove();
    });
    // /staff-only
    Array.prototype.forEach.call(document.querySelectorAll("#stage-moves [data-stage]"), function (button) {
      button.hidden = button.dataset.from !== s;
    });
  }

  function renderPanels() {
    var s = stage();
    var open = s === "live" || s === "scheduled";
    var canPost = state.joined && open && !(state.me && state.me.muted);
    els.postPanel.hidden = !canPost;
    var resident = state.joined && state.me && state.me.role === "resident";
    els.takingPart.hidden = !resident || !els.joinPanel.hidden;
    if (resident) els.myName.textContent = state.me.display_name;
    els.draftKept.hidden = !(state.joined && s === "voting" && els.text.value.trim());
    if (state.me && state.me.muted) showNotice(messages.muted_you);
    if (s === "closed") els.joinPanel.hidden = true;
  }

  function showJoin(message) {
    if (stage() === "closed" && state.meeting) { els.joinPanel.hidden = true; return; }
    els.joinPanel.hidden = false;
    els.joinError.textContent = message || "";
    if (!els.name.value) els.name.value = load(nameKey) || "";
  }

  // staff-only: officers' controls stay English (docs/translations.md)
  function renderMuted() {
    if (!els.mutedList) return;
    var people = Array.from(state.muted.values()).sort(function (a, b) { return a.display_name.localeCompare(b.display_name); });
    els.mutedCount.textContent = String(people.length);
    els.mutedList.textContent = "";
    if (!people.length) { els.mutedList.appendChild(el("li", "muted small", "No one is muted.")); return; }
    people.forEach(function (p) {
      var li = el("li", "muted-person");
      li.appendChild(el("span", null, p.display_name + " "));
      var b = el("button", "small-button secondary", "Unmute"); b.type = "button";
      b.setAttribute("aria-label", "Unmute " + p.display_name);
      var note = el("span", "feedback small"); note.setAttribute("role", "status");
      b.addEventListener("click", function () {
        send("unmute", { participant_id: p.id }).then(function (ack) { if (!ack.ok) feedback(note, ack.message, true); });
      });
      li.appendChild(b); li.appendChild(note);
      els.mutedList.appendChild(li);
    });
  }
  // /staff-only

  var renderPending = false;
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    window.requestAnimationFrame(function () { renderPending = false; render(); });
  }

  function shown(issue) {
    var f = state.filter;
    // A held post is shown once: in the officers' queue, or here only when they ask for held posts.
    if (f === "held") return issue.status === "held";
    if (issue.status === "held" && isStaff()) return false;
    if (f === "unanswered") return !issue.answer;
    if (f.indexOf("category:") === 0) return issue.category === f.slice(9);
    return true;
  }

  function sortedIssues() {
    var voting = stage() === "voting";
    var order = {
      shared: function (a, b) { return (b.votes - a.votes) || (a.id - b.id); },
      newest: function (a, b) { return b.id - a.id; },
      unanswered: function (a, b) { return ((a.answer ? 1 : 0) - (b.answer ? 1 : 0)) || (b.votes - a.votes) || (a.id - b.id); }
    }[state.sort] || function (a, b) { return (b.votes - a.votes) || (a.id - b.id); };
    var list = Array.from(state.issues.values()).filter(shown).sort(function (a, b) {
      if (voting && a.shortlisted !== b.shortlisted) return a.shortlisted ? -1 : 1;
      return order(a, b);
    });
    // While someone is using an item of the list (focus inside it), tallies do not reshuffle it under
    // their finger: the last order holds, newcomers go after it; it re-sorts once focus leaves.
    var active = document.activeElement;
    if (state.lastOrder && active && els.issues.contains(active)) {
      var rank = state.lastOrder;
      list.sort(function (a, b) {
        var ra = rank.has(a.id) ? rank.get(a.id) : Infinity, rb = rank.has(b.id) ? rank.get(b.id) : Infinity;
        return ra === rb ? 0 : (ra < rb ? -1 : 1);
      });
    }
    state.lastOrder = new Map(list.map(function (issue, i) { return [issue.id, i]; }));
    return list;
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
    if (!list.length) els.issues.appendChild(el("li", "empty muted", state.issues.size ? messages.no_issues_match : messages.no_issues));
    if (els.shown) els.shown.textContent = state.filter === "all" ? "" : t("shown", { shown: list.length, total: state.issues.size });
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
            issue.moderation_reason || "", stage(), state.me ? state.me.muted : "", issue.mine ? 1 : 0,
            state.expanded.has(issue.id) ? 1 : 0, issue.author_id && state.muted.has(issue.author_id) ? 1 : 0,
            state.joined ? 1 : 0, issue.in_room, state.meeting ? state.meeting.room_size : "",  // in_room: hybrid.js
            (issue.referred_to || []).map(function (r) { return r.partner + ":" + r.status; }).join(",")].join("|");
  }

  function renderVotesLeft() {
    if (stage() !== "voting" || !state.meeting || isStaff()) { els.votesLeft.hidden = true; return; }
    var used = 0;
    state.issues.forEach(function (i) { if (i.my_vote) used += 1; });
    var left = Math.max(0, state.meeting.votes_per_resident - used);
    els.votesLeft.hidden = false;
    els.votesLeft.textContent = t("votes_left", { left: left, total: state.meeting.votes_per_resident });
  }

  function renderIssue(issue) {
    var li = el("li", "issue status-" + issue.status);
    li.dataset.issueId = issue.id;
    var headingId = "issue-" + issue.id + "-text";
    var text = el("p", "issue-text", issue.text);
    text.id = headingId;
    li.appendChild(text);
    var meta = el("p", "issue-meta muted small", categoryLabel(issue.category) + " · " + t("raised_by", { name: issue.author }));
    if (issue.staff) meta.appendChild(el("span", "badge badge-staff", messages.police_staff));  // a resident's name cannot earn this
    li.appendChild(meta);
    if (STATUS_LABELS[issue.status] && issue.status !== "answered") {
      var status = el("p", "issue-status", STATUS_LABELS[issue.status] + (issue.moderation_reason ? ": " + issue.moderation_reason : ""));
      li.appendChild(status);
    }
    var actions = el("div", "issue-actions");
    var votesText = el("span", "votes", voteLabel(issue));
    actions.appendChild(votesText);
    var note = el("span", "feedback small", state.notes.get(issue.id) || ""); note.setAttribute("role", "status");
    if (note.textContent && state.notes.get(issue.id + ":error")) note.classList.add("error");
    // An author cannot support their own issue: no button is offered (the server refuses own_issue too).
    if (!isStaff() && state.joined && issue.mine) actions.appendChild(el("span", "muted small", messages.your_issue));
    else if (!isStaff() && state.joined) actions.appendChild(voteButton(issue, headingId, note));
    if (isStaff()) actions.appendChild(manageButton(issue, headingId));
    actions.appendChild(note);
    li.appendChild(actions);
    if (issue.answer) {
      var answer = el("div", "answer");
      answer.appendChild(el("p", "answer-by small", t("answer_from", { by: issue.answer.by })));
      answer.appendChild(el("p", null, issue.answer.text));
      li.appendChild(answer);
    }
    (issue.referred_to || []).forEach(function (r) {  // passed to a partner agency (the referred_to message names it)
      li.appendChild(el("p", "referral small", t("referred_to", { partner: messages["partner:" + r.partner] || r.name })));
    });
    if (isStaff() && state.expanded.has(issue.id)) {
      var controls = staffControls(issue, headingId);
      controls.id = "manage-" + issue.id;
      li.appendChild(controls);
    }
    (window.PACT.issueHooks || []).forEach(function (hook) { hook(li, issue); });  // hybrid.js
    return li;
  }

  // staff-only: officers' controls stay English (docs/translations.md)
  // Officers' per-issue controls appear on demand, not on every card: a 100-issue room stays scannable.
  function manageButton(issue, labelledBy) {
    var open = state.expanded.has(issue.id);
    var b = el("button", "small-button secondary manage-button", open ? "Close controls" : "Manage");
    b.type = "button";
    b.setAttribute("aria-expanded", open ? "true" : "false");
    b.setAttribute("aria-controls", "manage-" + issue.id);
    b.setAttribute("aria-describedby", labelledBy);
    b.addEventListener("click", function () {
      if (state.expanded.has(issue.id)) state.expanded.delete(issue.id); else state.expanded.add(issue.id);
      render();
      var again = els.issues.querySelector('li[data-issue-id="' + issue.id + '"] .manage-button');
      if (again) again.focus();
    });
    return b;
  }
  // /staff-only

  function categoryLabel(key) {
    var option = els.category && els.category.querySelector('option[value="' + CSS.escape(key) + '"]');
    return option ? option.textContent : key;
  }

  function voteLabel(issue) {
    if (stage() === "voting") {
      return issue.shortlisted ? t(issue.votes === 1 ? "priority_vote_one" : "priority_votes", { num: issue.votes })
                               : t("support_count", { num: issue.support });
    }
    return t(issue.votes === 1 ? "person_shares" : "people_share", { num: issue.votes });
  }

  function voteButton(issue, labelledBy, note) {
    var voting = stage() === "voting";
    var button = el("button", "vote-button", voting ? (issue.my_vote ? messages.remove_priority_vote : messages.vote_priority)
                                                    : (issue.my_vote ? messages.share_undo : messages.share));
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
          var li = els.issues.querySelector('li[data-issue-id="' + issue.id + '"]');
          var again = li && li.querySelector(".vote-button");
          if (again) again.focus();
          var voting = stage() === "voting";
          var said = event === "vote" ? (voting ? messages.priority_vote_given : messages.thanks_share)
                                      : (voting ? messages.priority_vote_taken_back : messages.support_taken_back);
          state.notes.set(issue.id, said); state.notes.delete(issue.id + ":error");  // kept across redraws
          feedback(li && li.querySelector(".feedback"), said);
        } else {
          state.notes.set(issue.id, ack.message); state.notes.set(issue.id + ":error", true);
          feedback(note, ack.message, true);
        }
      });
    });
    return button;
  }

  // staff-only: officers' controls stay English (docs/translations.md)
  // Officers' per-issue controls; moderation.js adds more through window.PACT.staffControls.
  function staffControls(issue, labelledBy) {
    var box = el("div", "staff-controls");
    var form = el("form", "answer-form stack");
    var id = "answer-" + issue.id;
    var label = el("label", null, issue.answer ? "Update the answer" : "Answer this issue");
    label.htmlFor = id;
    var area = el("textarea");
    area.id = id; area.rows = 2; area.maxLength = limits.answer;
    var error = el("p", "error"); error.id = id + "-error"; error.setAttribute("aria-live", "assertive");
    area.setAttribute("aria-describedby", error.id);
    var submit = el("button", null, "Send answer"); submit.type = "submit";
    form.appendChild(label); form.appendChild(area); form.appendChild(error); form.appendChild(submit);
    area.addEventListener("input", function () { if (area.value.trim()) error.textContent = ""; });  // cleared once fixed
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send("answer", { issue_id: issue.id, text: area.value }).then(function (ack) {
        if (ack.ok) { area.value = ""; error.textContent = ""; announce("Answer sent."); }
        else { error.textContent = ack.message; area.focus(); }
      });
    });
    box.appendChild(form);
    (window.PACT.staffControlHooks || []).forEach(function (hook) { hook(box, issue, send, labelledBy); });
    return box;
  }
  // /staff-only

  // ---- forms ----------------------------------------------------------------------------------
  els.joinForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var name = els.name.value.trim();
    if (!name) { els.joinError.textContent = messages.enter_name; els.name.focus(); return; }
    var about = window.PACT.aboutMe ? window.PACT.aboutMe() : {};  // optional fields (pulse.js)
    join(Object.assign({ display_name: name }, about)).then(function (ack) {
      if (ack.ok) {
        store(nameKey, name);
        els.joinError.textContent = ""; els.name.removeAttribute("aria-invalid");
        renderPanels();
        if (!els.postPanel.hidden) els.text.focus(); else if (!els.takingPart.hidden) els.changeName.focus();
        feedback(els.postPanel.hidden ? null : els.postFeedback, t("joined_as", { name: ack.participant.display_name }));
      }
      else { els.joinError.textContent = ack.message; els.name.setAttribute("aria-invalid", "true"); els.name.focus(); }
    });
  });
  els.name.addEventListener("input", function () { els.joinError.textContent = ""; els.name.removeAttribute("aria-invalid"); });
  // A new name joins afresh; the earlier posts and support stay counted under the old one.
  els.changeName.addEventListener("click", function () {
    els.name.value = state.me ? state.me.display_name : "";
    els.joinPanel.hidden = false; els.takingPart.hidden = true; els.postPanel.hidden = true;
    els.joinError.textContent = messages.choose_new_name;
    els.name.focus(); els.name.select();
  });

  els.text.value = load(draftKey) || "";
  function updateCount() {
    var n = els.text.value.trim().length;
    els.count.textContent = t("characters", { count: n.toLocaleString("en-GB"), limit: maxLength.toLocaleString("en-GB") });
  }
  updateCount();
  els.text.addEventListener("input", function () {
    store(draftKey, els.text.value); updateCount();
    if (els.text.value.trim()) setPostError("");  // an error goes once it is fixed
    askSuggestions();
  });
  els.category.addEventListener("change", function () { if (els.postError.textContent && els.text.value.trim()) setPostError(""); });

  // ---- "support this one instead": issues already raised that read like the draft ----------------
  var suggestTimer = null, lastAsked = "";
  function askSuggestions() {
    window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(function () {
      var text = els.text.value.trim();
      if (text.length < 12) { renderSuggestions([]); lastAsked = ""; return; }
      if (text === lastAsked || !state.joined) return;
      lastAsked = text;
      send("suggest", { text: text }).then(function (ack) { if (ack.ok && els.text.value.trim() === text) renderSuggestions(ack.issues); });
    }, 600);
  }
  function renderSuggestions(found) {
    els.suggestionList.textContent = "";
    var usable = found.filter(function (s) { var i = state.issues.get(s.id); return i && !i.mine; });
    els.suggestions.hidden = !usable.length;
    usable.forEach(function (s) {
      var issue = state.issues.get(s.id);
      var li = el("li", "suggestion");
      var textId = "suggestion-" + s.id;
      var text = el("p", "issue-text small", s.text); text.id = textId;
      li.appendChild(text);
      var row = el("div", "button-row");
      if (issue.my_vote) row.appendChild(el("span", "small", messages.already_support));
      else {
        var b = el("button", "secondary", messages.support_instead); b.type = "button";
        b.setAttribute("aria-describedby", textId);
        b.addEventListener("click", function () {
          send("vote", { issue_id: s.id }).then(function (ack) {
            if (!ack.ok && ack.error !== "duplicate") { feedback(els.postFeedback, ack.message, true); return; }
            issue.my_vote = true; render();
            els.text.value = ""; store(draftKey, null); updateCount(); renderSuggestions([]); lastAsked = "";
            feedback(els.postFeedback, t("supported_instead", { text: shorten(s.text) }));
            els.text.focus();
          });
        });
        row.appendChild(b);
      }
      li.appendChild(row);
      els.suggestionList.appendChild(li);
    });
  }
  function shorten(text) { return text.length > 60 ? text.slice(0, 60) + "…" : text; }

  els.postForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = els.text.value;
    if (!text.trim()) { setPostError(messages.write_first); return; }
    var payload = { text: text };
    if (els.category.value) payload.category = els.category.value;
    els.postFeedback.textContent = "";
    send("post_issue", payload).then(function (ack) {
      if (!ack.ok) {
        setPostError(ack.message);
        return;
      }
      setPostError("");
      upsert(ack.issue);
      if (ack.hold) {  // held: the author's words stay in the form; an emergency gets nothing else to read
        showHold(ack);
        if (!URGENT_HOLDS[ack.hold]) (window.PACT.postedHooks || []).forEach(function (hook) { hook(ack.issue); });
        return;
      }
      els.text.value = ""; store(draftKey, null); updateCount(); renderSuggestions([]); lastAsked = "";
      els.category.value = "";
      if (ack.message) showNotice(ack.message);
      // A short confirmation beside the button too: on a scrolled phone the notice is off screen.
      feedback(els.postFeedback, messages.posted, false);
      (window.PACT.postedHooks || []).forEach(function (hook) { hook(ack.issue); });  // notify.js
    });
  });

  // ---- a held post: why, and where to go instead, next to the form (safeguarding) ---------------
  var holdBox = $("hold-message");
  var URGENT_HOLDS = { emergency: true, welfare: true };
  function telLink(number, label) {
    var a = el("a", "tel-link", label); a.href = "tel:" + number; return a;
  }
  function showHold(ack) {
    if (!holdBox) { showNotice(ack.message); return; }
    var urgent = !!URGENT_HOLDS[ack.hold];
    holdBox.textContent = "";
    holdBox.className = "hold-message" + (urgent ? " hold-urgent" : "");
    holdBox.setAttribute("role", urgent ? "alert" : "status");
    holdBox.dataset.hold = ack.hold;
    holdBox.appendChild(el("p", null, ack.message));
    var links = el("p", "tel-links");
    links.appendChild(telLink("999", messages.call_999));
    if (ack.hold === "welfare") links.appendChild(telLink("116123", messages.samaritans));
    links.appendChild(telLink("101", messages.call_101));
    holdBox.appendChild(links);
    holdBox.hidden = false;
    if (urgent) holdBox.focus(); else announce(ack.message);
  }
  function clearHold() { if (holdBox && !holdBox.hidden) { holdBox.hidden = true; holdBox.textContent = ""; } }
  els.text.addEventListener("input", clearHold);
  els.postForm.addEventListener("submit", clearHold, true);
  function setPostError(message) {
    els.postError.textContent = message;
    if (message) {
      els.text.setAttribute("aria-invalid", "true"); els.text.focus(); els.postFeedback.textContent = "";
      var box = els.postError.getBoundingClientRect();
      if (box.bottom > window.innerHeight) els.postError.scrollIntoView({ block: "nearest" });
    }
    else els.text.removeAttribute("aria-invalid");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-stage]"), function (button) {
    button.addEventListener("click", function () {
      send("set_stage", { stage: button.dataset.stage }).then(function (ack) {
        els.officerError.textContent = ack.ok ? "" : ack.message;
        if (ack.ok) { state.meeting.stage = button.dataset.stage; renderStage(); renderPanels(); render();
                      var next = document.querySelector("#stage-moves [data-stage]:not([hidden])"); if (next) next.focus(); }
      });
    });
  });

  if (els.sort) els.sort.addEventListener("change", function () { state.sort = els.sort.value; render(); });
  if (els.filter) els.filter.addEventListener("change", function () { state.filter = els.filter.value; render(); });
  els.issues.addEventListener("focusout", function (e) {
    if (!e.relatedTarget || !els.issues.contains(e.relatedTarget)) scheduleRender();  // re-sort once focus leaves
  });

  window.PACT = window.PACT || {};
  window.PACT.room = { limits: limits, messages: messages, t: t, state: state, send: send, render: render, socket: socket, announce: announce, showNotice: showNotice, stage: stage,
                      el: el, feedback: feedback, renderMuted: renderMuted };  // el: the one element builder (text only through textContent)
  window.PACT.staffControlHooks = window.PACT.staffControlHooks || [];
  window.PACT.stateHooks = window.PACT.stateHooks || [];  // (state, snapshot) after every fresh state
})();
