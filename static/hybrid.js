/* Hybrid meetings: "online" and "in the room" side by side on every issue, and for officers the
 * room size, the hall's show of hands per issue, and issues raised from the floor.
 * Loaded after room.js; uses window.PACT.room and its issue and staff-control hooks. */
(function () {
  "use strict";
  var PACT = window.PACT || {};
  var room = PACT.room;
  if (!room) return;
  var el = room.el;

  function roomSize() { return room.state.meeting ? room.state.meeting.room_size : null; }

  // Every issue: the hall's hands beside the online count, and "raised in the room".
  PACT.issueHooks = PACT.issueHooks || [];
  PACT.issueHooks.push(function (li, issue) {
    if (issue.raised_in_room) {
      var meta = li.querySelector(".issue-meta");
      if (meta) meta.appendChild(el("span", "badge badge-room", room.messages.raised_in_room));
    }
    if (roomSize() === null || roomSize() === undefined) return;
    var votes = li.querySelector(".votes");
    if (votes) votes.textContent = room.t("online_and_room", { online: votes.textContent, room: issue.in_room || 0 });
  });

  room.socket.on("room_size", function (data) {
    if (room.state.meeting) room.state.meeting.room_size = data.room_size;
    var input = document.getElementById("room-size");
    if (input && document.activeElement !== input) input.value = data.room_size;
    room.render();
  });

  // staff-only: officers' controls stay English (docs/translations.md)
  // Officers: one number per issue.
  PACT.staffControlHooks = PACT.staffControlHooks || [];
  PACT.staffControlHooks.push(function (box, issue, send, labelledBy) {
    var stage = room.stage();
    if (roomSize() === null || roomSize() === undefined || issue.status === "held" || issue.status === "hidden") return;
    if (stage !== "live" && !(stage === "voting" && issue.shortlisted)) return;
    var form = el("form", "inline-form room-count");
    form.noValidate = true;  // the server says why a count is refused, in words tied to the box
    var id = "room-count-" + issue.id;
    var label = el("label", null, stage === "voting" ? "Priority votes in the room" : "Hands in the room");
    label.htmlFor = id;
    var input = el("input"); input.type = "number"; input.id = id; input.min = "0"; input.max = String(roomSize());
    input.step = "1"; input.inputMode = "numeric"; input.value = issue.in_room || 0;
    input.setAttribute("aria-describedby", labelledBy + " " + id + "-status");
    var save = el("button", "small-button", "Save"); save.type = "submit";
    var status = el("span", "small"); status.id = id + "-status"; status.setAttribute("role", "status");
    form.appendChild(label); form.appendChild(input); form.appendChild(save); form.appendChild(status);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send("room_count", { issue_id: issue.id, count: Number(input.value) }).then(function (ack) {
        status.textContent = ack.ok ? "Saved." : ack.message;
        if (!ack.ok) input.focus();
      });
    });
    box.appendChild(form);
  });

  var sizeForm = document.getElementById("room-size-form");
  if (sizeForm) {
    sizeForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = document.getElementById("room-size"), status = document.getElementById("room-size-status");
      room.send("room_size", { count: Number(input.value) }).then(function (ack) {
        status.textContent = ack.ok ? "Saved: " + ack.room_size + " people in the room." : ack.message;
        if (!ack.ok) input.focus();
      });
    });
  }
  var floorForm = document.getElementById("floor-form");
  if (floorForm) {
    floorForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = document.getElementById("floor-text"), status = document.getElementById("floor-status");
      room.send("raise_from_floor", { text: text.value, category: document.getElementById("floor-category").value })
        .then(function (ack) {
          status.textContent = ack.ok ? "Added, marked as raised in the room." : ack.message;
          if (ack.ok) text.value = ""; else text.focus();
        });
    });
  }
  // /staff-only
})();
