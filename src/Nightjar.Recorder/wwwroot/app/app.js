// Nightjar's web app: Log In, Live (the grid of sub-streams; a tap fills the screen with the main stream), Events,
// Playback (a day's Timeline dragged with a finger, event marks, speeds, Download of a range), Log Out.
// Plain DOM over the /api/v1 routes, so everything it does an app or a script can do. Text from the recorder (camera
// names, event labels) only ever goes in as textContent, never as HTML. Video is the console's own players: /live.js
// plays every <video data-live-src> on the page, /playback.js plays recordings against a Timeline.

import * as alerts from "/app/alerts.js";

const root = document.getElementById("app");
const webHeader = { "X-Nightjar-Web": "1" }; // with this host as Origin: the request came from this page (CSRF defence)
const passwordChangedType = "credentials-changed";
let leaveView = () => {}; // stops what the current view runs (timers, sockets)
let eventsSocket = null;
let deviceName = "Nightjar";

/** A problem the recorder answered with: the words to show and its type. */
class Problem extends Error {
  constructor(status, type, detail) {
    super(detail);
    this.status = status;
    this.type = type || "";
  }
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", ...options, headers: { ...(options.headers || {}) } };
  if (init.method && init.method !== "GET") Object.assign(init.headers, webHeader);
  if (init.body !== undefined) init.headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new Problem(0, "offline", "The recorder cannot be reached. Check the connection, then try again.");
  }
  if (response.ok) return response;
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not a problem document: say the status.
  }
  const error = new Problem(response.status, problem.type, problem.detail || `The recorder answered ${response.status}.`);
  if (response.status === 401 && path !== "/api/v1/web/session") {
    signedOut(error.type.endsWith(passwordChangedType) ? "Password changed. Log in with the new password." : "Log in again.");
  }
  throw error;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function show(...nodes) {
  if (window.nightjarPlayback) window.nightjarPlayback.close();
  leaveView();
  leaveView = () => {};
  root.replaceChildren(...nodes);
}

// ---- Log In / Log Out ------------------------------------------------------------------------------------------

function signedOut(message) {
  if (eventsSocket) {
    eventsSocket.onclose = null;
    eventsSocket.close();
    eventsSocket = null;
  }
  showLogin(message);
}

function showLogin(message = "") {
  const said = el("p", { class: "message", role: "status", text: message });
  const user = el("input", { id: "user-name", name: "username", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true, maxlength: "256" });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, maxlength: "256" });
  const button = el("button", { class: "primary", type: "submit", text: "Log In" });
  const form = el("form", { class: "login", "aria-label": "Log In" },
    el("h1", { text: "Nightjar" }),
    el("label", { for: "user-name", text: "User Name" }), user,
    el("label", { for: "password", text: "Password" }), password,
    button, said);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    said.className = "message";
    said.textContent = "Logging in…";
    try {
      await api("/api/v1/web/session", { method: "POST", body: JSON.stringify({ userName: user.value, password: password.value }) });
      await start();
    } catch (error) {
      said.className = "message error";
      said.textContent = error.message;
      password.value = "";
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  show(form);
  user.focus();
}

async function logOut() {
  try {
    await api("/api/v1/web/session", { method: "DELETE" });
    signedOut("Logged out.");
  } catch (error) {
    if (error.status !== 401) alert(error.message);
  }
}

// ---- The shell ---------------------------------------------------------------------------------------------------

const places = { live: showLive, events: showEvents, playback: () => showPlayback() };
const placeNames = { live: "Live", events: "Events", playback: "Playback" };

function shell(place, ...content) {
  const nav = el("nav", { "aria-label": "Places" },
    ...Object.keys(placeNames).map((name) => el("button", {
      type: "button", text: placeNames[name], "aria-current": name === place ? "page" : false,
      onclick: () => go(name),
    })),
    el("button", { type: "button", text: "Log Out", onclick: logOut }));
  return [el("header", { class: "bar" }, el("span", { class: "device-name", title: deviceName, text: deviceName }), nav),
    el("section", { class: "view", "aria-label": placeNames[place] }, ...content)];
}

function go(place) {
  if (location.hash !== "#" + place) history.pushState(null, "", "#" + place);
  places[place]();
}

window.addEventListener("popstate", () => {
  if (root.querySelector(".bar")) places[placeFromHash()]();
});

function placeFromHash() {
  const place = location.hash.slice(1);
  return place in places ? place : "live";
}

/** Signed in: the device's name, the events socket (for the password-changed ending and new events), then the place. */
async function start() {
  let device;
  try {
    device = await (await api("/api/v1/device")).json();
  } catch (error) {
    if (error.status !== 401) showLogin(error.message);
    return;
  }
  deviceName = device.name;
  document.title = device.name + " · Nightjar";
  listenForEvents();
  alerts.resume(api).catch(() => {}); // the words are in the Events place's control, if it comes to that
  places[placeFromHash()]();
}

alerts.followTaps((path) => {
  const place = path.split("#")[1];
  if (root.querySelector(".bar")) go(place in places ? place : "live");
});

function listenForEvents() {
  if (eventsSocket) return;
  const socket = new WebSocket(`wss://${location.host}/api/v1/events/live`);
  eventsSocket = socket;
  socket.onmessage = () => document.dispatchEvent(new CustomEvent("nightjar-event"));
  socket.onclose = (event) => {
    if (eventsSocket !== socket) return;
    eventsSocket = null;
    if (event.code === 4001) signedOut("Password changed. Log in with the new password.");
    else if (event.code === 4003) signedOut("Signed out: this browser's sign-in was revoked on the recorder.");
    else setTimeout(() => root.querySelector(".bar") && listenForEvents(), 3000);
  };
}

document.addEventListener("nightjar-password-changed", () => signedOut("Password changed. Log in with the new password."));
document.addEventListener("nightjar-signed-out", () => signedOut("Signed out: this browser's sign-in was revoked on the recorder."));

// ---- Live --------------------------------------------------------------------------------------------------------

const stillEvery = 1000; // a still picture a second where live video cannot play
const liveGrace = 8000; // how long a tile may take to show its first frame before stills stand in

function liveSrc(camera, stream) {
  return `/api/v1/cameras/${encodeURIComponent(camera.id)}/live?stream=${stream}&describe=true`;
}

function canPlayMain(camera) {
  if (camera.codec !== "H.265") return true;
  const Source = window.MediaSource || window.ManagedMediaSource;
  return !!Source && Source.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"');
}

/**
 * One camera's picture: live video where this browser can play it, with still pictures (the snapshot, a second apart)
 * standing in when it cannot or when no frame came in time; a word on the tile whenever there is no live picture.
 */
function tile(camera, stream, tag = "div", attributes = {}) {
  const message = el("span", { class: "tile-message", role: "status" });
  const still = el("img", { class: "still", alt: "", hidden: true });
  const node = el(tag, { class: "tile", "data-camera": camera.id, ...attributes });
  const live = window.nightjarLive && window.nightjarLive.canPlay();
  let video = null;
  if (camera.state === "Disabled") {
    message.textContent = "Disabled";
  } else if (live) {
    video = el("video", { muted: true, playsinline: true, autoplay: true, "data-live-src": liveSrc(camera, stream) });
    video.muted = true;
  }
  node.append(...[video, still, el("span", { class: "tile-name", text: camera.name }), message].filter(Boolean));
  if (camera.state === "Offline") message.textContent = camera.problem ? `Offline: ${camera.problem}` : "Offline";
  else if (camera.state === "Connecting") message.textContent = "Connecting…";

  let timer = null;
  const refreshStill = () => {
    const next = new Image();
    next.onload = () => {
      still.src = next.src;
      still.hidden = false;
    };
    next.src = `/api/v1/cameras/${encodeURIComponent(camera.id)}/snapshot.jpg?at=${Date.now()}`;
  };
  const standIn = (why) => {
    if (timer || camera.state === "Disabled") return;
    message.textContent = why;
    // Each tile on a beat of its own: the box makes only a few pictures at once for one sign-in (more are answered
    // 429), so tiles asking at the same instant would leave the same ones without a picture every second.
    timer = setTimeout(() => {
      refreshStill();
      timer = setInterval(refreshStill, stillEvery);
    }, Math.random() * stillEvery);
  };
  let watchdog = null;
  if (!live) standIn("Live video does not play in this browser: a picture every second");
  else if (video) {
    watchdog = setTimeout(() => {
      if (!video.dataset.framesPresented && node.dataset.playback !== "stopped") standIn("Live video could not start: a picture every second");
    }, liveGrace);
    video.addEventListener("playing", () => {
      if (!timer) {
        if (camera.state === "Recording") message.textContent = "";
        return;
      }
      clearInterval(timer);
      timer = null;
      still.hidden = true;
      message.textContent = "";
    });
  }
  node.stop = () => {
    clearTimeout(watchdog);
    clearInterval(timer);
  };
  return node;
}

/** The cameras for a place that needs at least one; null (the place then says why, or Log In shows) when there is none. */
async function camerasFor(place) {
  let cameras;
  try {
    cameras = await (await api("/api/v1/cameras")).json();
  } catch (error) {
    if (error.status !== 401) show(...shell(place, el("p", { class: "empty", role: "alert", text: error.message })));
    return null;
  }
  if (cameras.length === 0) {
    show(...shell(place, el("p", { class: "empty", text: "No cameras yet. Add them on the recorder's own screen." })));
    return null;
  }
  return cameras;
}

async function showLive() {
  const cameras = await camerasFor("live");
  if (!cameras) return;
  const tiles = cameras.map((camera) => tile(camera, camera.hasSubStream ? "sub" : "main", "button",
    { type: "button", "aria-label": camera.name, onclick: () => showFull(camera) }));
  show(...shell("live", el("h1", { text: "Live" }), el("div", { class: "grid" }, ...tiles)));
  const stopStarting = startOneAfterAnother(tiles.map((t) => t.querySelector("video[data-live-src]")).filter(Boolean));
  leaveView = () => {
    stopStarting();
    tiles.forEach((t) => t.stop());
  };
}

const nextTileAfter = 500; // ms: a tile that shows nothing by then does not hold up the next

/**
 * The grid's players start one after another: each live socket begins with the last keyframe and the frames since, so
 * four at once share a phone's link four ways and the first picture waits for all of them. Each next tile starts when
 * the one before shows its first frame, or half a second after it started, whichever comes first. Returns a function
 * that stops starting (leaving the view).
 */
function startOneAfterAnother(videos) {
  videos.slice(1).forEach((v) => {
    v.dataset.queuedSrc = v.dataset.liveSrc;
    v.removeAttribute("data-live-src");
  });
  const timers = [];
  let stopped = false;
  const start = (index) => {
    if (stopped || index >= videos.length) return;
    const video = videos[index];
    if (root.querySelector(".full")) {
      // One camera fills the screen and the grid's players wait for it to close: this one waits too.
      timers.push(setTimeout(() => start(index), nextTileAfter));
      return;
    }
    if (video.dataset.queuedSrc) {
      video.dataset.liveSrc = video.dataset.queuedSrc;
      delete video.dataset.queuedSrc;
    }
    let started = false;
    const next = () => {
      if (started) return;
      started = true;
      start(index + 1);
    };
    video.addEventListener("playing", next, { once: true });
    timers.push(setTimeout(next, nextTileAfter));
  };
  start(0);
  return () => {
    stopped = true;
    timers.forEach(clearTimeout);
  };
}

/** One camera filling the screen, on its main stream (the sub-stream where this browser cannot play the main one). */
function showFull(camera) {
  const stream = !camera.hasSubStream || canPlayMain(camera) ? "main" : "sub";
  const big = tile(camera, stream, "div", { role: "img", "aria-label": camera.name });
  const close = el("button", { type: "button", text: "Close" });
  const full = el("div", { class: "full", role: "dialog", "aria-modal": "true", "aria-label": camera.name },
    el("div", { class: "full-bar" }, el("span", { text: camera.name }), close), big);
  const grid = root.querySelector(".grid");
  const paused = grid ? [...grid.querySelectorAll("video[data-live-src]")] : [];
  // The grid's players stop while one camera fills the screen (phones have little to spare), and start again after.
  paused.forEach((v) => { v.dataset.pausedSrc = v.dataset.liveSrc; v.removeAttribute("data-live-src"); });
  const end = () => {
    big.stop();
    full.remove();
    paused.forEach((v) => { v.dataset.liveSrc = v.dataset.pausedSrc; });
    document.removeEventListener("keydown", onKey);
  };
  const onKey = (event) => event.key === "Escape" && end();
  close.addEventListener("click", end);
  big.addEventListener("click", end);
  document.addEventListener("keydown", onKey);
  root.append(full);
  close.focus();
}

// ---- Events ------------------------------------------------------------------------------------------------------

const pageSize = 30;
const clipMargin = 5000; // an event's clip, and Playback opened from it, begin this long before it
const labelWords = { person: "Person", car: "Car", truck: "Truck", bus: "Bus", motorcycle: "Motorcycle", bicycle: "Bicycle", cat: "Cat", dog: "Dog", bird: "Bird", horse: "Horse" };
const timeFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" });

function length(event) {
  if (!event.end) return "going on";
  const seconds = Math.max(1, Math.round((Date.parse(event.end) - Date.parse(event.start)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function what(event) {
  if (event.objects.length === 0) return event.kind === "camera-motion" ? "Motion (camera)" : "Motion";
  return event.objects.map((o) => `${labelWords[o.label] || o.label} ${Math.round(o.score * 100)} %`).join(", ");
}

async function showEvents() {
  const filter = { camera: "", show: "all" };
  let cameras = [];
  try {
    cameras = await (await api("/api/v1/cameras")).json();
  } catch (error) {
    if (error.status === 401) return;
  }
  const list = el("ul", { class: "events", "aria-label": "Event list" });
  const said = el("p", { class: "empty", role: "status" });
  const more = el("button", { type: "button", class: "more", text: "Older Events", hidden: true });
  const cameraSelect = el("select", { id: "event-camera" }, el("option", { value: "", text: "All cameras" }),
    ...cameras.map((c) => el("option", { value: c.id, text: c.name })));
  const shows = [["all", "All"], ["people", "People"], ["vehicles", "Vehicles"], ["animals", "Animals"]];
  const showGroup = el("div", { role: "radiogroup", "aria-label": "Show" }, ...shows.map(([value, text]) =>
    el("button", { type: "button", role: "radio", "aria-checked": value === "all" ? "true" : "false", "data-show": value, text })));
  showGroup.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-show]");
    if (!button) return;
    filter.show = button.dataset.show;
    showGroup.querySelectorAll("button").forEach((b) => b.setAttribute("aria-checked", b === button ? "true" : "false"));
    load();
  });
  cameraSelect.addEventListener("change", () => {
    filter.camera = cameraSelect.value;
    load();
  });

  let oldest = null;
  let loading = 0;
  async function load(older = false) {
    const ticket = ++loading;
    const query = new URLSearchParams({ limit: String(pageSize), show: filter.show });
    if (filter.camera) query.set("camera", filter.camera);
    if (older && oldest) query.set("before", oldest);
    let events;
    try {
      events = await (await api("/api/v1/events?" + query)).json();
    } catch (error) {
      if (error.status !== 401) said.textContent = error.message;
      return;
    }
    if (ticket !== loading) return; // a newer choice of filter went out since
    if (!older) list.replaceChildren();
    list.append(...events.map(item));
    oldest = events.length ? events[events.length - 1].start : oldest;
    more.hidden = events.length < pageSize;
    said.textContent = list.children.length === 0 ? (filter.show === "all" && !filter.camera ? "No events yet." : "No events match.") : "";
  }
  more.addEventListener("click", () => load(true));

  show(...shell("events",
    el("h1", { text: "Events" }),
    alertsControl(),
    el("div", { class: "filters" }, el("label", { for: "event-camera" }, "Camera", cameraSelect), showGroup),
    said, list, more));
  // New events come in over the events socket: the list follows while it shows the newest.
  let pending = null;
  const onEvent = () => {
    if (list.querySelector(".event") && window.scrollY > 200) return;
    clearTimeout(pending);
    pending = setTimeout(() => load(), 500);
  };
  document.addEventListener("nightjar-event", onEvent);
  leaveView = () => {
    clearTimeout(pending);
    document.removeEventListener("nightjar-event", onEvent);
  };
  await load();
}

/** "Alerts on This Device": a switch, and the words when this browser cannot or something went wrong. */
function alertsControl() {
  const toggle = el("button", { type: "button", role: "switch", "aria-checked": "false", class: "alerts-switch", text: "Alerts on This Device" });
  const said = el("p", { class: "alerts-said", role: "status" });
  const why = alerts.whyNot();
  if (why) {
    toggle.disabled = true;
    said.textContent = why;
  } else {
    alerts.isOn().then((on) => toggle.setAttribute("aria-checked", on ? "true" : "false"));
  }
  toggle.addEventListener("click", async () => {
    const turningOn = toggle.getAttribute("aria-checked") !== "true";
    toggle.disabled = true;
    said.textContent = turningOn ? "Turning alerts on…" : "Turning alerts off…";
    try {
      await (turningOn ? alerts.turnOn(api) : alerts.turnOff(api));
      toggle.setAttribute("aria-checked", turningOn ? "true" : "false");
      said.textContent = turningOn ? "This device gets an alert when something happens." : "No more alerts on this device.";
    } catch (error) {
      said.textContent = error.message;
    } finally {
      toggle.disabled = false;
    }
  });
  return el("div", { class: "alerts" }, toggle, said);
}

function item(event) {
  const start = new Date(event.start);
  const keep = el("button", { type: "button", "aria-pressed": event.kept ? "true" : "false", text: event.kept ? "Kept" : "Keep" });
  keep.addEventListener("click", async () => {
    const keeping = keep.getAttribute("aria-pressed") !== "true";
    keep.disabled = true;
    try {
      await api(`/api/v1/events/${event.id}/keep`, { method: keeping ? "POST" : "DELETE" });
      keep.setAttribute("aria-pressed", keeping ? "true" : "false");
      keep.textContent = keeping ? "Kept" : "Keep";
    } catch (error) {
      if (error.status !== 401) alert(error.message);
    } finally {
      keep.disabled = false;
    }
  });
  // No thumbnail yet (the event has just begun, its pictures are being made) or none could be made: said, not blank.
  const thumbnail = event.thumbnail
    ? el("img", { src: event.thumbnail, alt: "", loading: "lazy" })
    : el("span", { class: "no-picture", text: event.end ? "No picture" : "Picture coming…" });
  return el("li", { class: "event", "data-event": String(event.id) },
    thumbnail,
    el("div", { class: "what" },
      el("strong", { text: event.cameraName }),
      el("span", { text: what(event) }),
      el("div", { class: "when" }, el("time", { datetime: event.start, text: timeFormat.format(start) }), ` · ${length(event)}`)),
    el("div", { class: "actions" },
      el("button", { type: "button", text: "Play", onclick: () => playClip(event) }),
      el("button", { type: "button", text: "Playback", onclick: () => showPlayback(event.camera, Date.parse(event.start) - clipMargin) }),
      keep));
}

/** The event's clip (5 s before it to 5 s after), with the browser's own controls. */
function playClip(event) {
  const video = el("video", { controls: true, autoplay: true, playsinline: true, src: `/api/v1/events/${event.id}/clip.mp4` });
  const close = el("button", { type: "button", text: "Close" });
  const clip = el("div", { class: "clip", role: "dialog", "aria-modal": "true", "aria-label": `${event.cameraName}, ${timeFormat.format(new Date(event.start))}` },
    el("div", { class: "full-bar" }, el("span", { text: event.cameraName }), close), video);
  close.addEventListener("click", () => {
    video.pause();
    video.removeAttribute("src");
    video.load();
    clip.remove();
  });
  root.append(clip);
  close.focus();
}

// ---- Playback ----------------------------------------------------------------------------------------------------

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
 * A day of one camera: the Timeline (recorded spans, gaps with their reasons, event marks) under the picture, dragged
 * with a finger or the mouse to any moment; Play/Pause, speeds, zoom, the previous and next event, and Download of a
 * range typed as From and To.
 */
async function showPlayback(cameraId, atMs) {
  const cameras = await camerasFor("playback");
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

  show(...shell("playback",
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
  fillRange();
  await open(at);
}

start();
