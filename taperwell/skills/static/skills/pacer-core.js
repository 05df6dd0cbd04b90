// Breathing pacer timing, with no DOM: every state is computed from the time elapsed on a clock,
// so a slow phone that skips frames still changes phase on time.

export const LIMITS = Object.freeze({
  minBreathsPerMinute: 3,
  maxBreathsPerMinute: 12,
  minRatio: 1, // exhale as long as inhale ...
  maxRatio: 3, // ... up to three times as long
  minMinutes: 1,
  maxMinutes: 20,
});

export const DEFAULTS = Object.freeze({ breathsPerMinute: 6, ratio: 1.5, minutes: 5 });

function clamp(value, low, high) {
  const number = Number(value);
  if (!Number.isFinite(number)) return low;
  return Math.min(high, Math.max(low, number));
}

// 6 breaths a minute with out = 1.5 x in gives 4 s in and 6 s out.
export function phaseLengths(breathsPerMinute, ratio) {
  const bpm = clamp(breathsPerMinute, LIMITS.minBreathsPerMinute, LIMITS.maxBreathsPerMinute);
  const r = clamp(ratio, LIMITS.minRatio, LIMITS.maxRatio);
  const cycleMs = Math.round(60000 / bpm);
  const inhaleMs = Math.round(cycleMs / (1 + r));
  return { inhaleMs, exhaleMs: cycleMs - inhaleMs, cycleMs };
}

// The session always ends after a whole breath out, never halfway through a breath in.
export function sessionLength(totalMs, cycleMs) {
  const breaths = Math.max(1, Math.round(totalMs / cycleMs));
  return breaths * cycleMs;
}

export function minutesToMs(minutes) {
  return clamp(minutes, LIMITS.minMinutes, LIMITS.maxMinutes) * 60000;
}

// A gentle ease in and out, so the shape never jerks at the turn of a breath.
function ease(fraction) {
  return 0.5 - Math.cos(Math.PI * fraction) / 2;
}

// Where the session is after `elapsedMs`: the phase ("in", "out" or "done"), which breath
// (0-based), how far into the phase, and the shape's size from 0 (empty) to 1 (full).
export function stateAt(elapsedMs, { inhaleMs, exhaleMs, totalMs }) {
  const cycleMs = inhaleMs + exhaleMs;
  const elapsed = Math.max(0, elapsedMs);
  if (elapsed >= totalMs) {
    return { phase: "done", breath: Math.round(totalMs / cycleMs), phaseElapsedMs: 0,
      phaseRemainingMs: 0, fraction: 1, size: 0 };
  }
  const breath = Math.floor(elapsed / cycleMs);
  const intoCycle = elapsed - breath * cycleMs;
  if (intoCycle < inhaleMs) {
    const fraction = intoCycle / inhaleMs;
    return { phase: "in", breath, phaseElapsedMs: intoCycle, phaseRemainingMs: inhaleMs - intoCycle,
      fraction, size: ease(fraction) };
  }
  const intoOut = intoCycle - inhaleMs;
  const fraction = intoOut / exhaleMs;
  return { phase: "out", breath, phaseElapsedMs: intoOut, phaseRemainingMs: exhaleMs - intoOut,
    fraction, size: 1 - ease(fraction) };
}

// A running pacer. `now` is the clock (performance.now in the page, a fake in tests); `wait`
// schedules the next look at the clock. Callbacks: onPhase(state) when the phase changes,
// onFrame(state) on each look, onDone(elapsedMs) once at the end.
export function createPacer({ inhaleMs, exhaleMs, totalMs, now, wait, cancel, onPhase, onFrame,
  onDone, frameMs = 50 }) {
  const clock = now || (() => performance.now());
  const later = wait || ((fn, ms) => setTimeout(fn, ms));
  const stopWaiting = cancel || ((handle) => clearTimeout(handle));
  const timing = { inhaleMs, exhaleMs, totalMs };
  let startedAt = null;
  let pausedAt = null;
  let pausedFor = 0;
  let lastPhase = null;
  let handle = null;
  let finished = false;

  function elapsed() {
    if (startedAt === null) return 0;
    const end = pausedAt === null ? clock() : pausedAt;
    return end - startedAt - pausedFor;
  }

  function tick() {
    handle = null;
    if (finished || pausedAt !== null) return;
    const state = stateAt(elapsed(), timing);
    if (state.phase !== lastPhase) {
      lastPhase = state.phase;
      if (state.phase !== "done" && onPhase) onPhase(state);
    }
    if (onFrame) onFrame(state);
    if (state.phase === "done") {
      finished = true;
      if (onDone) onDone(totalMs);
      return;
    }
    // Look again at the next phase boundary, or sooner to move the shape smoothly.
    const delay = onFrame ? Math.min(frameMs, state.phaseRemainingMs) : state.phaseRemainingMs;
    handle = later(tick, Math.max(1, Math.ceil(delay)));
  }

  return {
    start() {
      if (startedAt !== null) return;
      startedAt = clock();
      tick();
    },
    pause() {
      if (startedAt === null || pausedAt !== null || finished) return;
      pausedAt = clock();
      if (handle !== null) stopWaiting(handle);
      handle = null;
    },
    resume() {
      if (pausedAt === null) return;
      pausedFor += clock() - pausedAt;
      pausedAt = null;
      tick();
    },
    // Ends early; returns the milliseconds actually practised.
    stop() {
      const practised = Math.min(elapsed(), totalMs);
      if (handle !== null) stopWaiting(handle);
      handle = null;
      finished = true;
      return practised;
    },
    get paused() { return pausedAt !== null; },
    get finished() { return finished; },
    elapsed,
    state() { return stateAt(elapsed(), timing); },
  };
}
