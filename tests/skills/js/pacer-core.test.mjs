// Run by tests/skills/test_pacer_core.py through node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const source = readFileSync(process.env.PACER_CORE, "utf8");
const core = await import("data:text/javascript," + encodeURIComponent(source));
const { phaseLengths, sessionLength, stateAt, createPacer, minutesToMs, DEFAULTS } = core;

test("the default pace is six breaths a minute: 4 seconds in, 6 seconds out", () => {
  assert.deepEqual(phaseLengths(DEFAULTS.breathsPerMinute, DEFAULTS.ratio),
    { inhaleMs: 4000, exhaleMs: 6000, cycleMs: 10000 });
});

test("the pace and the in/out ratio change the phase lengths", () => {
  assert.deepEqual(phaseLengths(12, 1.5), { inhaleMs: 2000, exhaleMs: 3000, cycleMs: 5000 });
  assert.deepEqual(phaseLengths(5, 2), { inhaleMs: 4000, exhaleMs: 8000, cycleMs: 12000 });
  assert.deepEqual(phaseLengths(6, 1), { inhaleMs: 5000, exhaleMs: 5000, cycleMs: 10000 });
});

test("out-of-range choices are held to safe limits", () => {
  assert.equal(phaseLengths(60, 1.5).cycleMs, 5000); // at most 12 a minute
  assert.equal(phaseLengths(0, 1.5).cycleMs, 20000); // at least 3 a minute
  assert.equal(minutesToMs(45), 20 * 60000);
  assert.equal(minutesToMs("nonsense"), 60000);
});

test("a session ends after a whole breath", () => {
  assert.equal(sessionLength(60000, 10000), 60000);
  assert.equal(sessionLength(64000, 10000), 60000);
  assert.equal(sessionLength(66000, 10000), 70000);
  assert.equal(sessionLength(1000, 10000), 10000);
});

test("the phase at each moment follows the clock", () => {
  const timing = { inhaleMs: 4000, exhaleMs: 6000, totalMs: 20000 };
  assert.equal(stateAt(0, timing).phase, "in");
  assert.equal(stateAt(3999, timing).phase, "in");
  assert.equal(stateAt(4000, timing).phase, "out");
  assert.equal(stateAt(9999, timing).phase, "out");
  assert.deepEqual([stateAt(10000, timing).phase, stateAt(10000, timing).breath], ["in", 1]);
  assert.equal(stateAt(20000, timing).phase, "done");
  assert.ok(Math.abs(stateAt(2000, timing).size - 0.5) < 1e-9); // halfway in, half full
  assert.ok(stateAt(4000, timing).size > 0.999); // full at the turn
  assert.ok(stateAt(9999, timing).size < 0.001); // empty at the end of the breath out
});

function fakeClock() {
  let now = 0;
  const queue = [];
  return {
    now: () => now,
    wait: (fn, ms) => { const item = { at: now + ms, fn }; queue.push(item); return item; },
    cancel: (item) => { const i = queue.indexOf(item); if (i >= 0) queue.splice(i, 1); },
    // Jump the clock, the way a slow phone wakes late: callbacks run late, not on time.
    advance(ms, lateBy = 0) {
      const end = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > end) break;
        queue.shift();
        now = Math.min(end, next.at + lateBy);
        next.fn();
      }
      now = end;
    },
  };
}

test("phase changes come on time from the clock, and late wake-ups do not drift", () => {
  const clock = fakeClock();
  const changes = [];
  let doneAt = null;
  const pacer = createPacer({ inhaleMs: 2000, exhaleMs: 3000, totalMs: 10000,
    now: clock.now, wait: clock.wait, cancel: clock.cancel,
    onPhase: (s) => changes.push([s.phase, clock.now()]), onDone: () => { doneAt = clock.now(); } });
  pacer.start();
  clock.advance(12000, 120); // every wake-up 120 ms late
  assert.deepEqual(changes.map(([p]) => p), ["in", "out", "in", "out"]);
  // Each change lands within the lateness of one wake-up, never adding up across breaths.
  [0, 2000, 5000, 7000].forEach((expected, i) => {
    assert.ok(Math.abs(changes[i][1] - expected) <= 120, `change ${i} at ${changes[i][1]}`);
  });
  assert.ok(doneAt >= 10000 && doneAt <= 10120);
  assert.equal(pacer.finished, true);
});

test("a pause stops the clock for the session, and resuming carries on where it was", () => {
  const clock = fakeClock();
  const changes = [];
  const pacer = createPacer({ inhaleMs: 4000, exhaleMs: 6000, totalMs: 20000,
    now: clock.now, wait: clock.wait, cancel: clock.cancel,
    onPhase: (s) => changes.push([s.phase, clock.now()]) });
  pacer.start();
  clock.advance(3000);
  pacer.pause();
  clock.advance(60000);
  assert.equal(pacer.elapsed(), 3000);
  pacer.resume();
  clock.advance(1000);
  assert.deepEqual(changes, [["in", 0], ["out", 64000]]);
  assert.equal(pacer.stop(), 4000);
});
