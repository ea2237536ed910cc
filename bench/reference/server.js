// make bench: a minimal reference server on Node's socket.io speaking the part of PACT's /meeting
// protocol the load generator uses (join, vote, coalesced `tallies`), so the Python server's p99
// can be put next to Node's under the same load in the same run. Not the app: no database, no
// auth, no limits. Same coalescing rule as pact/live/ticker.py: a room's tallies go out at most
// every max(interval, watchers / budget) seconds. Usage: node server.js --port 8123 [--interval 100 --budget 20000]
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const port = Number(option("port", "8123"));
const interval = Number(option("interval", "100")); // ms between coalesced tally broadcasts, as TALLY_INTERVAL
const budget = Number(option("budget", "20000")); // messages per second, as BROADCAST_BUDGET

const httpServer = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end("ok");
});
const io = new Server(httpServer, { perMessageDeflate: false, pingInterval: 25000, pingTimeout: 20000 });
const room = io.of("/meeting");
const counts = new Map(); // issue id → votes
let changed = new Map();
let watching = 0;

room.on("connection", (socket) => {
  socket.on("join", (payload, ack) => {
    socket.join("meeting");
    watching += 1;
    ack({ ok: true, resume_token: "reference", participant: { id: watching }, state: { issues: [] } });
  });
  socket.on("vote", (payload, ack) => {
    const issue = String(payload && payload.issue_id);
    const n = (counts.get(issue) || 0) + 1;
    counts.set(issue, n);
    changed.set(issue, n);
    ack({ ok: true });
  });
  socket.on("disconnect", () => {
    watching -= 1;
  });
});

let nextDue = 0;
setInterval(() => {
  const now = Date.now();
  if (changed.size === 0 || now < nextDue) return;
  const payload = Object.fromEntries(changed);
  changed = new Map();
  room.to("meeting").emit("tallies", payload);
  nextDue = now + Math.max(interval, (watching * 1000) / budget);
}, 10);

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`reference socket.io server on http://127.0.0.1:${port}`);
});
