/* The pulse panel and the optional "about you" join fields. Loaded after room.js; uses window.PACT.room.
 * Shown to joined residents while voting and after the close; `pulse` replaces an earlier answer. */
(function () {
  "use strict";
  var PACT = window.PACT || {};
  var room = PACT.room;
  var panel = document.getElementById("pulse-panel");
  var form = document.getElementById("pulse-form");
  if (!room || !panel || !form) return;
  var status = document.getElementById("pulse-status");

  PACT.aboutMe = function () {
    var district = document.getElementById("postcode-district");
    var band = document.getElementById("age-band");
    var about = {};
    if (district && district.value.trim()) about.postcode_district = district.value.trim();
    if (band && band.value) about.age_band = band.value;
    return about;
  };

  function update() {
    var s = room.state;
    var stage = s.meeting && s.meeting.stage;
    panel.hidden = !(s.joined && s.me && s.me.role === "resident" && (stage === "voting" || stage === "closed"));
  }
  PACT.stateHooks.push(update);
  room.socket.on("stage_changed", function () { setTimeout(update, 0); });
  room.socket.on("meeting_closed", function () { setTimeout(update, 0); });

  function chosen(name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? Number(input.value) : undefined;
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var payload = {};
    ["listened", "confidence"].forEach(function (name) { var v = chosen(name); if (v) payload[name] = v; });
    if (!payload.listened && !payload.confidence) { status.textContent = room.messages.pulse_choose; return; }
    room.send("pulse", payload).then(function (ack) {
      status.textContent = ack.ok ? room.messages.pulse_saved : ack.message;
    });
  });
})();
