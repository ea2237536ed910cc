// make bench's load process, in Node: N residents on raw WebSockets (the `ws` package, no Socket.IO
// client) speaking Engine.IO 4 / Socket.IO 5, exactly as bench/load.py does, at a fraction of its
// CPU. The load generator shares the machine's two cores with the server it measures; in Python it
// spent about as much CPU reading 2,000 sockets' tallies as the server spent sending them.
//
// Every resident connects and joins one meeting at once (retrying `unavailable` as the room page
// does); then votes go out at a steady rate, each from the next resident (then the next issue),
// without waiting for acks; a sample of residents time-stamp every `tallies`. Latency of a vote =
// the first moment a sampled resident sees the issue's count reach the rank of that vote (counts
// only grow), minus the moment it was sent. Writes one JSON object to --out, with bench/load.py's keys.
//
// Usage: node load.js --urls http://127.0.0.1:8000[,…] --meeting 1 --issues 1,2,3 --residents 2000
//        [--rate 200] [--duration 60] [--sample 50] --out result.json
"use strict";
const fs = require("fs");
const { performance } = require("perf_hooks");
const WebSocket = require("ws");

const NS = "/meeting";
const PREFIX_ACK = `43${NS},`;
const PREFIX_EVENT = `42${NS},`;
const TALLIES = `${PREFIX_EVENT}["tallies"`;

function options(argv) {
  const known = { urls: null, meeting: null, issues: null, residents: null, rate: "200", duration: "60", sample: "50", out: null };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!(name in known) || argv[i + 1] === undefined) throw new Error(`unknown or incomplete option ${argv[i]}`);
    known[name] = argv[i + 1];
  }
  for (const [name, value] of Object.entries(known)) if (value === null) throw new Error(`--${name} is required`);
  return {
    urls: known.urls.split(","), meeting: Number(known.meeting), issues: known.issues.split(",").map(Number),
    residents: Number(known.residents), rate: Number(known.rate), duration: Number(known.duration),
    sample: Number(known.sample), out: known.out,
  };
}

const now = () => performance.now() / 1000; // monotonic seconds
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

class Resident {
  constructor(url, meetingId, name, sampled, timeout = 120) {
    Object.assign(this, { url, meetingId, name, sampled, timeout });
    this.ws = null;
    this.acks = new Map();
    this.nextAck = 0;
    this.tallies = []; // [monotonic seconds received, payload], sampled only
    this.participantId = null;
    this.closedEarly = false;
    this.joinRetries = 0;
    this.finished = false;
  }

  // Connect, open the namespace and join; the monotonic time it was joined. Rejects when refused.
  async start() {
    const base = this.url.replace("http://", "ws://");
    this.ws = new WebSocket(`${base}/socket.io/?EIO=4&transport=websocket`,
      { perMessageDeflate: false, handshakeTimeout: this.timeout * 1000 });
    await new Promise((resolve, reject) => {
      let opened = false;
      this.ws.on("message", (data) => {
        const message = data.toString();
        if (!opened) {
          if (message.startsWith("0")) this.ws.send(`40${NS},`); // Engine.IO open: open the namespace
          else if (message.startsWith(`40${NS}`)) { opened = true; resolve(); }
          return;
        }
        this.read(message);
      });
      this.ws.on("error", reject);
      this.ws.on("close", () => {
        if (!opened) reject(new Error("closed before the namespace opened"));
        if (!this.finished) this.closedEarly = true;
      });
    });
    const payload = { meeting_id: this.meetingId, display_name: this.name };
    let ack = await this.call("join", payload, this.timeout);
    for (let i = 0; i < 5; i += 1) { // like the room page: a busy server says when to come back (jittered)
      if (ack.ok || ack.error !== "unavailable") break;
      this.joinRetries += 1;
      await sleep((ack.retry_after || 1) * (1 + Math.random()));
      ack = await this.call("join", payload, this.timeout);
    }
    if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
    this.participantId = ack.participant.id;
    return now();
  }

  // Send `event` with an ack id and wait for its ack (rejects after `timeout` seconds).
  call(event, payload, timeout = 30) {
    this.nextAck += 1;
    const id = this.nextAck;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.acks.delete(id); reject(new Error("timeout")); }, timeout * 1000);
      this.acks.set(id, (value) => { clearTimeout(timer); resolve(value); });
      this.ws.send(`42${NS},${id}${JSON.stringify([event, payload])}`);
    });
  }

  read(message) {
    if (message === "2") {
      this.ws.send("3");
    } else if (message.startsWith(PREFIX_ACK)) {
      const body = message.slice(PREFIX_ACK.length);
      const cut = body.indexOf("[");
      const id = Number(body.slice(0, cut));
      const resolve = this.acks.get(id);
      if (resolve) { this.acks.delete(id); resolve(JSON.parse(body.slice(cut))[0]); }
    } else if (this.sampled && message.startsWith(TALLIES)) {
      this.tallies.push([now(), JSON.parse(message.slice(PREFIX_EVENT.length))[1]]);
    }
  }
}

// Each vote's seconds until this sampled resident saw its count, or null if it never did.
function latencies(resident, sent) {
  const seen = new Map(); // issue → [counts, times]
  for (const [t, payload] of resident.tallies) {
    for (const [issue, count] of Object.entries(payload)) {
      const key = Number(issue);
      if (!seen.has(key)) seen.set(key, [[], []]);
      const [counts, times] = seen.get(key);
      if (!counts.length || count > counts[counts.length - 1]) { counts.push(count); times.push(t); }
    }
  }
  return sent.map((vote) => {
    const [counts, times] = seen.get(vote.issue) || [[], []];
    let lo = 0, hi = counts.length; // bisect_left(counts, rank)
    while (lo < hi) { const mid = (lo + hi) >> 1; if (counts[mid] < vote.rank) lo = mid + 1; else hi = mid; }
    return lo < counts.length ? Math.max(0, times[lo] - vote.at) : null;
  });
}

// p50, p90, p99 and max (ms, one decimal) as bench/live_client.py's `percentiles`.
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (p) => (sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10000) / 10 : null);
  return { p50: pick(0.5), p90: pick(0.9), p99: pick(0.99), max: pick(1.0), samples: sorted.length };
}

async function run(args) {
  const step = Math.max(1, Math.floor(args.residents / args.sample));
  const residents = Array.from({ length: args.residents },
    (_, i) => new Resident(args.urls[i % args.urls.length], args.meeting, `Resident ${i}`, i % step === 0));
  const t0 = now();
  const joined = await Promise.allSettled(residents.map((r) => r.start()));
  const failures = joined.filter((j) => j.status === "rejected");
  const joinedAt = joined.filter((j) => j.status === "fulfilled").map((j) => j.value);
  const joinSeconds = (joinedAt.length ? Math.max(...joinedAt) : t0) - t0;
  const live = residents.filter((_, i) => joined[i].status === "fulfilled");
  await sleep(2); // let presence settle before the clock starts

  const results = { ok: 0, refused: 0, timeout: 0, errors: {} };
  const ackTimes = [];
  const vote = async (resident, issue) => {
    const began = now();
    let ack;
    try {
      ack = await resident.call("vote", { issue_id: issue });
    } catch (error) {
      results.timeout += 1;
      return;
    }
    ackTimes.push(now() - began);
    if (ack.ok) results.ok += 1;
    else {
      results.refused += 1;
      results.errors[ack.error] = (results.errors[ack.error] || 0) + 1;
    }
  };

  const wallStart = Date.now() / 1000;
  const sent = [];
  const ranks = new Map();
  const pending = [];
  const start = now();
  for (let k = 0; k < Math.floor(args.rate * args.duration); k += 1) {
    const delay = start + k / args.rate - now();
    if (delay > 0) await sleep(delay);
    const resident = live[k % live.length];
    const issue = args.issues[Math.floor(k / live.length) % args.issues.length];
    ranks.set(issue, (ranks.get(issue) || 0) + 1);
    sent.push({ wall: Date.now() / 1000, at: now(), issue, rank: ranks.get(issue) });
    pending.push(vote(resident, issue));
  }
  const sendSeconds = now() - start;
  await Promise.allSettled(pending);
  const wallEnd = Date.now() / 1000;
  await sleep(3); // trailing tallies
  for (const r of residents) r.finished = true;
  const disconnects = live.filter((r) => r.closedEarly).length;

  const seen = live.filter((r) => r.sampled).flatMap((r) => latencies(r, sent));
  const latency = percentiles(seen.filter((d) => d !== null));
  const acks = percentiles(ackTimes);
  for (const r of live) r.ws.close();
  const round2 = (x) => Math.round(x * 100) / 100;
  return {
    residents: args.residents, joined: live.length, join_failures: failures.length,
    join_retries: residents.reduce((n, r) => n + r.joinRetries, 0),
    join_error: failures.length ? String(failures[0].reason) : null, join_seconds: round2(joinSeconds),
    votes_sent: sent.length, votes_acknowledged: results.ok, votes_refused: results.refused,
    vote_errors: results.errors, vote_timeouts: results.timeout, send_seconds: round2(sendSeconds),
    latency_ms: { ...latency, never_seen: seen.filter((d) => d === null).length },
    ack_ms: { p50: acks.p50, p99: acks.p99 },
    sampled_residents: live.filter((r) => r.sampled).length, disconnects,
    vote_window: [wallStart, wallEnd],
  };
}

const args = options(process.argv.slice(2));
run(args).then((result) => {
  fs.writeFileSync(args.out, JSON.stringify(result));
  process.exit(0);
}, (error) => {
  console.error(error);
  process.exit(1);
});
