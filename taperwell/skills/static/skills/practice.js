// A practice page: a gentle timer (driven by the clock) and "read aloud" with speech synthesis.
const $ = (id) => document.getElementById(id);
const words = JSON.parse($("practice-words").textContent);

// Read aloud, one paragraph at a time (long single utterances stop early in some browsers).
const readButton = $("read-aloud");
if (readButton) {
  if ("speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    readButton.hidden = false;
    readButton.addEventListener("click", () => {
      const synth = window.speechSynthesis;
      if (readButton.getAttribute("aria-pressed") === "true") {
        synth.cancel();
        readButton.setAttribute("aria-pressed", "false");
        readButton.textContent = words.read;
        return;
      }
      synth.cancel();
      const parts = [...$("practice-text").querySelectorAll("h2, h3, p, li")]
        .map((el) => el.textContent.trim()).filter(Boolean);
      parts.forEach((text, index) => {
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.rate = 0.9;
        if (index === parts.length - 1) {
          utterance.onend = () => {
            readButton.setAttribute("aria-pressed", "false");
            readButton.textContent = words.read;
          };
        }
        synth.speak(utterance);
      });
      readButton.setAttribute("aria-pressed", "true");
      readButton.textContent = words.stopReading;
    });
  }
}

// The timer: counts down the practice's minutes; the time comes from the clock, not from ticks.
const timer = $("timer");
if (timer) {
  timer.hidden = false;
  const display = $("timer-display");
  const startButton = $("timer-start");
  const status = $("timer-status");
  const minutesField = $("id_minutes");
  const totalMs = Number(timer.dataset.minutes) * 60000;
  let startedAt = null;
  let usedMs = 0;
  let handle = null;

  const text = (ms) => {
    const s = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  const running = () => startedAt !== null;
  const elapsed = () => usedMs + (running() ? performance.now() - startedAt : 0);
  const record = () => {
    minutesField.value = Math.max(1, Math.round(elapsed() / 60000));
  };

  function tick() {
    const remaining = totalMs - elapsed();
    display.textContent = text(remaining);
    if (remaining <= 0) {
      usedMs = totalMs;
      startedAt = null;
      startButton.textContent = words.start;
      status.textContent = words.finished;
      record();
      return;
    }
    handle = setTimeout(tick, Math.min(500, remaining));
  }

  startButton.addEventListener("click", () => {
    if (running()) {
      usedMs = elapsed();
      startedAt = null;
      clearTimeout(handle);
      startButton.textContent = words.resume;
      status.textContent = words.paused;
      record();
    } else {
      if (usedMs >= totalMs) usedMs = 0;
      startedAt = performance.now();
      startButton.textContent = words.pause;
      status.textContent = words.started;
      tick();
    }
  });
}
