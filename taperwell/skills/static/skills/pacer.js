// The breathing pacer page: wires pacer-core's clock-driven timing to the shape, the text cue
// (an aria-live region), optional soft tones (Web Audio) and optional spoken cues.
import { DEFAULTS, LIMITS, createPacer, minutesToMs, phaseLengths, sessionLength }
  from "./pacer-core.js";

const $ = (id) => document.getElementById(id);
const root = $("pacer");
const stage = $("pacer-stage");
const shape = stage.querySelector(".pacer-shape");
const cue = $("pacer-cue");
const left = $("pacer-left");
const after = $("pacer-after");
const bpmInput = $("pacer-bpm");
const ratioInput = $("pacer-ratio");
const minutesInput = $("pacer-minutes");
const summary = $("pacer-summary");
const soundInput = $("pacer-sound");
const voiceInput = $("pacer-voice");
const pauseButton = $("pacer-pause");
const words = JSON.parse($("pacer-words").textContent);
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const canSpeak = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;

let pacer = null;
let audio = null;
let wakeLock = null;

after.hidden = true;
root.classList.add("has-js");
if (!canSpeak) voiceInput.closest(".choice").hidden = true;

function seconds(ms) {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

function settings() {
  const { inhaleMs, exhaleMs, cycleMs } = phaseLengths(bpmInput.value, ratioInput.value);
  // ?seconds=N gives a short try (and short tests); otherwise the chosen minutes.
  const override = Number(new URLSearchParams(location.search).get("seconds"));
  const wanted = override >= 2 && override <= LIMITS.maxMinutes * 60
    ? override * 1000 : minutesToMs(minutesInput.value || DEFAULTS.minutes);
  return { inhaleMs, exhaleMs, totalMs: sessionLength(wanted, cycleMs) };
}

function describe() {
  const { inhaleMs, exhaleMs } = settings();
  summary.textContent = words.summary.replace("{in}", seconds(inhaleMs))
    .replace("{out}", seconds(exhaleMs));
}
[bpmInput, ratioInput, minutesInput].forEach((el) => el.addEventListener("input", describe));
describe();

function clockText(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function tone(frequency, lengthS) {
  if (!audio) return;
  const start = audio.currentTime;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = "sine";
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.08, start + 0.25);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + lengthS);
  osc.connect(gain).connect(audio.destination);
  osc.start(start);
  osc.stop(start + lengthS + 0.05);
}

function say(text) {
  if (!canSpeak || !voiceInput.checked) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.rate = 0.85;
  window.speechSynthesis.speak(utterance);
}

function onPhase(state) {
  const text = state.phase === "in" ? words.in : words.out;
  stage.dataset.phase = state.phase;
  cue.textContent = text;
  tone(state.phase === "in" ? 392 : 262, 1.2);
  say(text);
}

function onFrame(state) {
  left.textContent = words.left.replace("{time}", clockText(pacer.totalMs - pacer.elapsed()));
  if (!reducedMotion.matches) {
    shape.style.transform = `scale(${(0.35 + 0.65 * state.size).toFixed(3)})`;
  }
}

async function holdScreenOn() {
  try {
    if ("wakeLock" in navigator) wakeLock = await navigator.wakeLock.request("screen");
  } catch { /* not allowed here: the screen may dim, timing stays right */ }
}

function finish(practisedMs) {
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
  if (canSpeak) window.speechSynthesis.cancel();
  // Focus goes to "How do you feel now?" at once and again once full screen has closed: leaving
  // full screen moves focus back to the page itself, which left a screen reader nowhere.
  const landOnQuestion = () => $("pacer-done").focus();
  if (document.fullscreenElement) {
    document.exitFullscreen().catch(() => {}).finally(() => requestAnimationFrame(landOnQuestion));
  }
  document.body.classList.remove("pacer-running");
  stage.hidden = true;
  stage.dataset.phase = "done";
  $("pacer-setup").hidden = false;
  after.hidden = false;
  $("id_minutes").value = Math.max(1, Math.round(practisedMs / 60000));
  landOnQuestion();
}

$("pacer-start").addEventListener("click", () => {
  const timing = settings();
  stage.dataset.motion = reducedMotion.matches ? "off" : "on";
  shape.style.transform = "";
  if (soundInput.checked && !audio) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context) audio = new Context();
  }
  $("pacer-setup").hidden = true;
  after.hidden = true;
  stage.hidden = false;
  document.body.classList.add("pacer-running");
  if (stage.requestFullscreen) stage.requestFullscreen().catch(() => {});
  holdScreenOn();
  pacer = createPacer({ ...timing, onPhase, onFrame, onDone: finish });
  pacer.totalMs = timing.totalMs;
  pauseButton.textContent = words.pause;
  pauseButton.focus();
  pacer.start();
});

pauseButton.addEventListener("click", () => {
  if (!pacer) return;
  if (pacer.paused) {
    pacer.resume();
    pauseButton.textContent = words.pause;
  } else {
    pacer.pause();
    cue.textContent = words.paused;
    if (canSpeak) window.speechSynthesis.cancel();
    pauseButton.textContent = words.resume;
  }
});

$("pacer-stop").addEventListener("click", () => {
  if (pacer && !pacer.finished) finish(pacer.stop());
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && pacer && !pacer.finished && !stage.hidden) finish(pacer.stop());
});
