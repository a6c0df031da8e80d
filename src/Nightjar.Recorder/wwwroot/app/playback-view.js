// Playback: a day of one camera on a Timeline dragged with a finger, with event marks, speeds and Download. Video is
// the console's own recordings player, /playback.js, loaded when Playback first opens (Live does not need it).

import { el } from "/app/dom.js";
import { what } from "/app/event-words.js";

let playerLoading = null;

/** The recordings player (a classic script that sets window.nightjarPlayback), fetched when Playback first opens. */
function loadPlayer() {
  if (window.nightjarPlayback) return Promise.resolve();
  playerLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/playback.js";
    script.onload = resolve;
    script.onerror = () => {
      script.remove();
      playerLoading = null; // the next visit tries again
      reject(new Error("The recorder cannot be reached. Check the connection, then try again."));
    };
    document.head.append(script);
  });
  return playerLoading;
}

const dayMs = 24 * 3600 * 1000;
const zooms = [["day", "Day", dayMs], ["hour", "Hour", 3600 * 1000], ["ten", "10 Min", 600 * 1000]];
const speeds = [1, 2, 4, 8];

function startOfDay(ms) {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function dayValue(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function clockValue(ms) {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

/** A time typed as HH:MM[:SS] on the day shown, in ms; NaN when it is not one. */
function timeOnDay(day, text) {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return NaN;
  const [h, m, sec] = [Number(match[1]), Number(match[2]), Number(match[3] || 0)];
  if (h > 23 || m > 59 || sec > 59) return NaN;
  const d = new Date(day);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, sec).getTime();
}

function radioGroup(label, options, chosen, onChoose) {
  const group = el("div", { role: "radiogroup", "aria-label": label }, ...options.map(([value, text]) =>
    el("button", { type: "button", role: "radio", "aria-checked": value === chosen ? "true" : "false", "data-value": String(value), text })));
  group.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-value]");
    if (!button) return;
    group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-checked", b === button ? "true" : "false"));
    onChoose(button.dataset.value);
  });
  return group;
}

/**
 * Shows a day of one camera: the Timeline (recorded spans, gaps with their reasons, event marks) under the picture,
 * dragged with a finger or the mouse to any moment; Play/Pause, speeds, zoom, the previous and next event, and Download
 * of a range typed as From and To. `view` is what the shell gives every place (see app.js).
 */
export async function showPlayback(view, cameraId, atMs) {
  const { api } = view;
  try {
    await loadPlayer();
  } catch (error) {
    view.show(...view.shell("playback", el("p", { class: "empty", role: "alert", text: error.message })));
    return;
  }
  const cameras = await view.camerasFor("playback");
  if (!cameras) return;
  const camera = cameras.find((c) => c.id === cameraId) || cameras[0];
  const at = atMs ?? Date.now() - 60 * 1000;
  const state = { camera, day: startOfDay(at), zoom: dayMs, events: [] };

  const cameraSelect = el("select", { id: "playback-camera" }, ...cameras.map((c) => el("option", { value: c.id, text: c.name, selected: c.id === camera.id })));
  const dayInput = el("input", { id: "playback-day", type: "date", value: dayValue(state.day), max: dayValue(Date.now()) });
  const video = el("video", { class: "playback-video", playsinline: true, muted: true, "aria-label": "Recorded video" });
  video.muted = true;
  const message = el("p", { id: "playback-message", class: "message", role: "status" });
  const shown = el("output", { id: "playback-time", "aria-label": "Time shown" });
  const thumb = el("div", { class: "thumb" });
  const timeline = el("div", { class: "timeline", role: "slider", tabindex: "0", "aria-label": "Timeline", "aria-valuemin": "0", "aria-valuemax": "0" }, thumb);
  const playButton = el("button", { type: "button", class: "primary", text: "Play" });
  const from = el("input", { id: "download-from", inputmode: "numeric", placeholder: "HH:MM:SS", autocomplete: "off" });
  const to = el("input", { id: "download-to", inputmode: "numeric", placeholder: "HH:MM:SS", autocomplete: "off" });
  const downloadSaid = el("p", { class: "message", role: "status" });

  const player = window.nightjarPlayback;
  const apiVideo = (id, stream, fromMs, toMs) =>
    `/api/v1/cameras/${encodeURIComponent(id)}/video.mp4?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;

  function setWindow(centreMs) {
    const dayEnd = state.day + dayMs;
    const length = Math.min(state.zoom, dayMs);
    let start = Math.max(state.day, Math.min(centreMs - length / 2, dayEnd - length));
    if (length === dayMs) start = state.day;
    timeline.dataset.windowStart = String(start);
    timeline.dataset.windowEnd = String(start + length);
    timeline.dataset.dayEnd = String(Math.min(dayEnd, Date.now()));
    timeline.setAttribute("aria-valuemin", String(Math.round(start / 1000)));
    timeline.setAttribute("aria-valuemax", String(Math.round((start + length) / 1000)));
  }

  /** The marks on the Timeline for its window: what was recorded, what not and why, and the events. */
  function draw() {
    const start = Number(timeline.dataset.windowStart);
    const length = Number(timeline.dataset.windowEnd) - start;
    const place = (node, fromMs, toMs) => {
      const left = Math.max(0, (fromMs - start) / length);
      const right = Math.min(1, (toMs - start) / length);
      node.style.left = `${left * 100}%`;
      node.style.width = `${Math.max(0, right - left) * 100}%`;
      return right > 0 && left < 1 ? node : null;
    };
    const marks = [];
    for (const span of state.spans || []) marks.push(place(el("div", { class: "timeline-span" }), Date.parse(span.start), Date.parse(span.end)));
    for (const gap of state.gaps || []) {
      const node = place(el("div", { class: "timeline-gap", title: gap.reason || "Not recorded" }), Date.parse(gap.start), Date.parse(gap.end));
      marks.push(node);
    }
    for (const event of state.events) {
      const mark = el("div", { class: "timeline-event", title: `${what(event)} at ${clockValue(Date.parse(event.start))}` });
      const fraction = (Date.parse(event.start) - start) / length;
      if (fraction < 0 || fraction > 1) continue;
      mark.style.left = `${fraction * 100}%`;
      marks.push(mark);
    }
    const ticks = length === dayMs ? 6 : 4;
    for (let i = 0; i <= ticks; i++) {
      const tick = el("span", { class: "timeline-tick" + (i === 0 ? " at-start" : i === ticks ? " at-end" : ""), text: clockValue(start + (length * i) / ticks).slice(0, 5) });
      tick.style.left = `${(i / ticks) * 100}%`;
      marks.push(tick);
    }
    timeline.replaceChildren(...marks.filter(Boolean), thumb);
  }

  async function loadDay() {
    const dayEnd = state.day + dayMs;
    const range = `from=${new Date(state.day).toISOString()}&to=${new Date(dayEnd).toISOString()}`;
    try {
      const [recordings, events] = await Promise.all([
        api(`/api/v1/cameras/${encodeURIComponent(state.camera.id)}/recordings?${range}`).then((r) => r.json()),
        api(`/api/v1/events?camera=${encodeURIComponent(state.camera.id)}&${range}&limit=500`).then((r) => r.json()),
      ]);
      state.spans = recordings.spans;
      state.gaps = recordings.gaps;
      state.events = events.slice().sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    } catch (error) {
      if (error.status !== 401) message.textContent = error.message;
      return false;
    }
    draw();
    return true;
  }

  async function open(ms) {
    setWindow(ms);
    if (!(await loadDay())) return;
    if (!player.canPlay()) {
      message.textContent = "Recordings do not play in this browser. Download works: play the file on this device.";
      return;
    }
    player.open(video, timeline, state.camera.id, "main", ms, apiVideo);
    player.setPlaying(false);
    playButton.textContent = "Play";
  }

  const jumpToEvent = (direction) => {
    const now = player.position();
    const starts = state.events.map((e) => Date.parse(e.start));
    const target = direction > 0 ? starts.find((s) => s > now + 1000) : starts.filter((s) => s < now - 1000).pop();
    if (target === undefined) {
      message.textContent = direction > 0 ? "No later event on this day." : "No earlier event on this day.";
      return;
    }
    message.textContent = "";
    if (target < Number(timeline.dataset.windowStart) || target > Number(timeline.dataset.windowEnd)) {
      setWindow(target);
      draw();
    }
    player.seek(target);
  };

  playButton.addEventListener("click", () => {
    const playing = !player.playing();
    player.setPlaying(playing);
    playButton.textContent = playing ? "Pause" : "Play";
  });
  cameraSelect.addEventListener("change", () => {
    state.camera = cameras.find((c) => c.id === cameraSelect.value) || state.camera;
    open(player.position() || state.day);
  });
  dayInput.addEventListener("change", () => {
    const [y, m, d] = dayInput.value.split("-").map(Number);
    if (!y || !m || !d) return;
    state.day = new Date(y, m - 1, d).getTime();
    open(Math.min(state.day + dayMs / 2, Date.now() - 60 * 1000));
  });
  const zoomGroup = radioGroup("Zoom", zooms.map(([value, text]) => [value, text]), "day", (value) => {
    state.zoom = zooms.find((z) => z[0] === value)[2];
    setWindow(player.position());
    draw();
  });
  const speedGroup = radioGroup("Speed", speeds.map((rate) => [rate, `${rate}×`]), 1, (value) => player.setRate(Number(value)));
  const download = el("button", { type: "button", text: "Download" });
  download.addEventListener("click", () => {
    const fromMs = timeOnDay(state.day, from.value);
    const toMs = timeOnDay(state.day, to.value);
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) {
      downloadSaid.textContent = "Type From and To as hours:minutes:seconds, such as 14:05:00.";
      return;
    }
    if (toMs <= fromMs) {
      downloadSaid.textContent = "To must be after From.";
      return;
    }
    downloadSaid.textContent = "The download starts; the file is one MP4 of the camera's main stream.";
    const link = el("a", { href: apiVideo(state.camera.id, "main", fromMs, toMs), download: "" });
    document.body.append(link);
    link.click();
    link.remove();
  });
  // From and To start as the minute around what is shown, the usual thing to keep.
  const fillRange = () => {
    const now = player.position() || at;
    from.value = clockValue(now - 30 * 1000);
    to.value = clockValue(now + 30 * 1000);
  };
  const useShown = el("button", { type: "button", text: "Use Time Shown", onclick: fillRange });

  const onScreen = view.show(...view.shell("playback",
    el("div", { class: "filters" },
      el("label", { for: "playback-camera" }, "Camera", cameraSelect),
      el("label", { for: "playback-day" }, "Day", dayInput)),
    el("div", { class: "playback-picture" }, video),
    message,
    el("div", { class: "timeline-row" }, el("span", { text: "Time shown" }), shown),
    timeline,
    el("div", { class: "controls" },
      el("button", { type: "button", text: "Previous Event", onclick: () => jumpToEvent(-1) }),
      playButton,
      el("button", { type: "button", text: "Next Event", onclick: () => jumpToEvent(1) })),
    el("div", { class: "controls" }, speedGroup),
    el("div", { class: "controls" }, zoomGroup),
    el("fieldset", { class: "download" }, el("legend", { text: "Download" }),
      el("label", { for: "download-from" }, "From", from),
      el("label", { for: "download-to" }, "To", to),
      el("div", { class: "controls" }, useShown, download),
      downloadSaid)));
  if (!onScreen) return;
  fillRange();
  await open(at);
}

