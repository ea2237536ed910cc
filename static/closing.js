/* PACT Live: deciding in the meeting room — officers shortlist, merge and close; residents give
 * verdicts on the last meeting's priorities. Speaks `shortlist`, `merge`, `close`, `verdict`
 * (docs/protocol.md) through window.PACT.room. User text goes in through textContent only. */
(function () {
  "use strict";

  var PACT = window.PACT;
  if (!PACT || !PACT.room) return;
  var room = PACT.room;
  var $ = function (id) { return document.getElementById(id); };
  var el = room.el;  // room.js's builder: user text only ever through textContent
  function isStaff() { return !!(room.state.me && room.state.me.role !== "resident"); }
  var stage = room.stage;  // the meeting's stage as room.js reads it ("scheduled" before the first state)
  function publicIssues() {
    return Array.from(room.state.issues.values()).filter(function (i) { return i.status === "open" || i.status === "answered"; });
  }
  function shortlistIds() { return publicIssues().filter(function (i) { return i.shortlisted; }).map(function (i) { return i.id; }); }

  // staff-only: officers' controls stay English (docs/translations.md)
  // ---- officers: per-issue shortlist and merge controls -----------------------------------------
  PACT.staffControlHooks.push(function (box, issue, send, labelledBy) {
    if (issue.status !== "open" && issue.status !== "answered") return;
    if (stage() !== "live" && stage() !== "voting") return;
    var row = el("div", "closing-controls");
    var id = "shortlist-" + issue.id;
    var label = el("label", "toggle");
    var box1 = el("input"); box1.type = "checkbox"; box1.id = id; box1.checked = !!issue.shortlisted;
    box1.setAttribute("aria-describedby", labelledBy);
    label.appendChild(box1); label.appendChild(document.createTextNode(" On the shortlist"));
    box1.addEventListener("change", function () {
      var ids = shortlistIds().filter(function (x) { return x !== issue.id; });
      if (box1.checked) ids.push(issue.id);
      box1.disabled = true;
      send("shortlist", { issue_ids: ids }).then(function (ack) {
        box1.disabled = false;
        var status = $("shortlist-status");
        if (!ack.ok) { box1.checked = !box1.checked; if (status) status.textContent = ack.message; box1.focus(); return; }
        if (status) status.textContent = ack.shortlist.length + (ack.shortlist.length === 1 ? " issue" : " issues") + " on the shortlist.";
      });
    });
    row.appendChild(label);

    var others = publicIssues().filter(function (i) { return i.id !== issue.id; });
    if (others.length) {
      var mergeId = "merge-" + issue.id;
      var mergeLabel = el("label", "small", "Duplicate of");
      mergeLabel.htmlFor = mergeId;
      var select = el("select"); select.id = mergeId;
      select.appendChild(el("option", null, "Choose the issue to merge into…")).value = "";
      others.forEach(function (o) {
        var option = el("option", null, "#" + o.id + ": " + (o.text.length > 60 ? o.text.slice(0, 60) + "…" : o.text));
        option.value = String(o.id);
        select.appendChild(option);
      });
      var merge = el("button", "secondary", "Merge"); merge.type = "button";
      merge.setAttribute("aria-describedby", labelledBy);
      var error = el("p", "error small"); error.setAttribute("aria-live", "assertive");
      merge.addEventListener("click", function () {
        if (!select.value) { error.textContent = "Choose the issue this one duplicates."; select.focus(); return; }
        send("merge", { issue_id: issue.id, into_issue_id: Number(select.value) }).then(function (ack) {
          if (ack.ok) room.announce("Issue merged; its votes now count for issue " + select.value + ".");
          else { error.textContent = ack.message; select.focus(); }
        });
      });
      row.appendChild(mergeLabel); row.appendChild(select); row.appendChild(merge); row.appendChild(error);
      select.addEventListener("change", function () { error.textContent = ""; });
    }
    box.appendChild(row);
    // Near-duplicates the server suggests (`suggest`): the officer decides; nothing merges on its own.
    var similar = el("div", "similar small");
    box.appendChild(similar);
    send("suggest", { text: issue.text, exclude_id: issue.id }).then(function (ack) {
      if (!ack.ok || !ack.issues.length) return;
      similar.appendChild(el("p", "small", "Possible duplicates:"));
      var list = el("ul", "plain");
      ack.issues.forEach(function (s) {
        var item = el("li");
        item.appendChild(el("span", null, "#" + s.id + ": " + (s.text.length > 80 ? s.text.slice(0, 80) + "…" : s.text) + " "));
        var b = el("button", "small-button secondary", "Merge this issue into #" + s.id); b.type = "button";
        b.setAttribute("aria-describedby", labelledBy);
        b.addEventListener("click", function () {
          send("merge", { issue_id: issue.id, into_issue_id: s.id }).then(function (ack2) {
            if (ack2.ok) room.announce("Issue merged; its votes now count for issue " + s.id + ".");
            else room.feedback(error || null, ack2.message, true);
          });
        });
        item.appendChild(b);
        list.appendChild(item);
      });
      similar.appendChild(list);
    });
  });

  // ---- officers: the close form, prepared from the top issues by votes ------------------------
  var closeForm = $("close-form"), rows = $("close-rows"), closeError = $("close-error"), prepare = $("prepare-close");
  var SUGGESTED = 3, SHOWN = 10;

  function candidates() {
    var list = publicIssues();
    if (stage() === "voting" && list.some(function (i) { return i.shortlisted; })) {
      list = list.filter(function (i) { return i.shortlisted; });
    }
    // Hybrid meetings: the hall's show of hands counts beside the online votes (labelled apart).
    return list.sort(function (a, b) { return (combined(b) - combined(a)) || (a.id - b.id); }).slice(0, SHOWN);
  }

  function combined(issue) { return issue.votes + (issue.in_room || 0); }

  function countText(issue) {
    var online = issue.votes + (issue.votes === 1 ? " vote" : " votes");
    if (!issue.in_room) return online;
    return online + " online + " + issue.in_room + " in the room = " + combined(issue);
  }

  function closeRow(issue, index) {
    var fieldset = el("fieldset", "close-row");
    fieldset.dataset.issueId = issue.id;
    fieldset.appendChild(el("legend", null, issue.text));
    fieldset.appendChild(el("p", "muted small", countText(issue) +
                            (index < SUGGESTED && combined(issue) > 0 ? " · suggested" : "")));
    var prefix = "close-" + issue.id + "-";
    function field(labelText, input, name) {
      var wrap = el("div", "field");
      var label = el("label", null, labelText); label.htmlFor = prefix + name;
      input.id = prefix + name; input.name = name;
      wrap.appendChild(label); wrap.appendChild(input);
      return wrap;
    }
    var agree = el("input"); agree.type = "checkbox"; agree.id = prefix + "agree"; agree.checked = index < SUGGESTED;
    var agreeLabel = el("label", "toggle"); agreeLabel.appendChild(agree);
    agreeLabel.appendChild(document.createTextNode(" Agree as a priority"));
    fieldset.appendChild(agreeLabel);
    // The priority's public wording, prefilled from the issue; the issue keeps the resident's words.
    var title = el("input"); title.maxLength = room.limits.title; title.autocomplete = "off"; title.value = issue.text.slice(0, room.limits.title);
    fieldset.appendChild(field("Title residents will read", title, "title"));
    var action = el("textarea"); action.rows = 2; action.maxLength = room.limits.action;
    fieldset.appendChild(field("Action promised", action, "action"));
    var owner = el("input"); owner.maxLength = room.limits.owner; owner.autocomplete = "off";
    fieldset.appendChild(field("Owner (optional)", owner, "owner"));
    var review = el("input"); review.type = "date"; review.min = new Date().toISOString().slice(0, 10);
    fieldset.appendChild(field("Review by (optional)", review, "review_on"));
    return fieldset;
  }

  function prepareClose() {
    rows.textContent = "";
    var list = candidates();
    if (!list.length) { closeError.textContent = "There are no public issues to agree as priorities yet."; closeForm.hidden = false; return; }
    list.forEach(function (issue, i) { rows.appendChild(closeRow(issue, i)); });
    closeError.textContent = "";
    closeForm.hidden = false;
    var first = rows.querySelector("textarea");
    if (first) first.focus();
  }

  if (closeForm) {
    // An error goes once the officer fixes it.
    closeForm.addEventListener("input", function (e) {
      closeError.textContent = "";
      if (e.target && e.target.removeAttribute) e.target.removeAttribute("aria-invalid");
    });
  }
  if (prepare && closeForm) {
    prepare.addEventListener("click", prepareClose);
    $("cancel-close").addEventListener("click", function () { closeForm.hidden = true; prepare.focus(); });
    closeForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var chosen = Array.prototype.filter.call(rows.querySelectorAll(".close-row"), function (fs) {
        return fs.querySelector('input[type="checkbox"]').checked;
      });
      if (!chosen.length) { closeError.textContent = "Tick at least one issue to agree as a priority."; return; }
      var priorities = chosen.map(function (fs) {
        var item = { issue_id: Number(fs.dataset.issueId), action: fs.querySelector("textarea").value,
                     title: fs.querySelector('input[name="title"]').value };
        var owner = fs.querySelector('input[name="owner"]').value.trim();
        var review = fs.querySelector('input[name="review_on"]').value;
        if (owner) item.owner = owner;
        if (review) item.review_on = review;
        return item;
      });
      room.send("close", { priorities: priorities }).then(function (ack) {
        if (ack.ok) { closeForm.hidden = true; closeError.textContent = ""; window.location.assign(ack.summary_url); return; }
        closeError.textContent = ack.message;
        var bad = typeof ack.index === "number" ? chosen[ack.index] : null;
        var named = bad && ack.message.indexOf("title") !== -1 ? bad.querySelector('input[name="title"]') : null;
        var focus = named || (bad && (bad.querySelector("textarea") || bad.querySelector("input")));
        if (focus) { focus.setAttribute("aria-invalid", "true"); focus.focus(); }
      });
    });
  }

  // /staff-only

  // ---- residents: verdicts on the last meeting's priorities -----------------------------------
  // Words from the server (pact/views/room_messages.py), in the reader's language.
  var VERDICTS = ["dealt_with", "not_dealt_with"];

  function renderReview(review) {
    (review || []).forEach(function (item) {
      var li = document.querySelector('#review-list li[data-priority-id="' + item.id + '"]');
      var group = li && li.querySelector(".verdict");
      if (!group) return;
      group.textContent = "";
      if (item.verdicts) { group.appendChild(verdictCounts(item.verdicts)); return; }
      if (!room.state.joined || isStaff() || stage() === "closed") return;
      group.appendChild(el("span", "small", room.t("verdict_question") + " "));
      VERDICTS.forEach(function (verdict) {
        var button = el("button", "secondary", room.t("verdict_" + verdict)); button.type = "button";
        button.setAttribute("aria-pressed", item.my_verdict === verdict ? "true" : "false");
        button.addEventListener("click", function () {
          room.send("verdict", { priority_id: item.id, verdict: verdict }).then(function (ack) {
            if (!ack.ok) { room.showNotice(ack.message); return; }
            item.my_verdict = ack.verdict;
            renderReview([item]);
            var again = group.querySelector('button[aria-pressed="true"]');
            if (again) again.focus();
            room.announce(room.t("verdict_thanks_" + verdict));
          });
        });
        group.appendChild(button);
      });
    });
  }

  function verdictCounts(counts) {
    return el("span", "small verdict-counts", room.t("verdict_counts", counts));
  }

  PACT.stateHooks.push(function (state, snapshot) {
    renderReview(snapshot.review);
    if (closeForm && stage() !== "live" && stage() !== "voting") closeForm.hidden = true;
    var panel = $("closing-panel");
    if (panel) panel.hidden = stage() === "closed";
  });

  room.socket.on("verdicts", function (data) {
    var li = document.querySelector('#review-list li[data-priority-id="' + data.priority_id + '"]');
    var group = li && li.querySelector(".verdict");
    if (group && isStaff()) { group.textContent = ""; group.appendChild(verdictCounts(data)); }
  });
})();
