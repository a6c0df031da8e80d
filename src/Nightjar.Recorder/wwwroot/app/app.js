// Nightjar's web app: Log In, Live (the grid of sub-streams; a tap fills the screen with the main stream), Events,
// Playback (a day's Timeline dragged with a finger, event marks, speeds, Download of a range), Log Out.
// Plain DOM over the /api/v1 routes, so everything it does an app or a script can do. This module is the shell (signing
// in and out, the bar, the places, the events socket); each place is a module of its own, Live loaded with the page and
// Events and Playback when first opened, so a phone's first picture waits for no code it does not run.

import * as alerts from "/app/alerts.js";
import { el } from "/app/dom.js";
import { showLive } from "/app/live-view.js";

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
  opening++; // a place still on its way is not shown over the login
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

const placeNames = { live: "Live", events: "Events", playback: "Playback" };
// Each place's code: Live's came with the page, the others' are fetched when first opened (and then kept).
const places = {
  live: async () => showLive,
  events: async () => (await import("/app/events-view.js")).showEvents,
  playback: async () => (await import("/app/playback-view.js")).showPlayback,
};
let opening = 0;

/**
 * Shows a place. A place is given its own view of the shell: once another place is chosen (a tap while this one's code
 * or answers are on their way), its show does nothing and returns false, and what it would stop on leaving is stopped
 * at once, so a place left behind never replaces the one the owner is looking at.
 */
async function open(place, ...args) {
  const ticket = ++opening;
  const view = placeView(() => ticket === opening);
  let showPlace;
  try {
    showPlace = await places[place]();
  } catch {
    // The phone lost the recorder before the place's code came; the browser keeps that failure until the page loads again.
    view.show(...shell(place, el("p", { class: "empty", role: "alert", text: "The recorder cannot be reached. Check the connection, then reload the page." })));
    return;
  }
  if (view.current()) await showPlace(view, ...args);
}

/** What a place is given by the shell: the API, the way to show itself in the bar, and to say what to stop on leaving. */
function placeView(current) {
  const view = {
    root,
    api,
    current,
    shell,
    show: (...nodes) => {
      if (!current()) return false;
      show(...nodes);
      return true;
    },
    camerasFor: (place) => camerasFor(view, place),
    leaving: (stop) => {
      if (current()) leaveView = stop;
      else stop();
    },
    openPlayback: (cameraId, atMs) => {
      if (location.hash !== "#playback") history.pushState(null, "", "#playback");
      open("playback", cameraId, atMs);
    },
  };
  return view;
}

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
  open(place);
}

window.addEventListener("popstate", () => {
  if (root.querySelector(".bar")) open(placeFromHash());
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
  open(placeFromHash());
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
    const closeStatus = window.nightjarLive?.closeStatus ?? {}; // /live.js did not load: any close reconnects
    if (event.code === closeStatus.passwordChanged) signedOut("Password changed. Log in with the new password.");
    else if (event.code === closeStatus.revoked) signedOut("Signed out: this browser's sign-in was revoked on the recorder.");
    else setTimeout(() => root.querySelector(".bar") && listenForEvents(), 3000);
  };
}

document.addEventListener("nightjar-password-changed", () => signedOut("Password changed. Log in with the new password."));
document.addEventListener("nightjar-signed-out", () => signedOut("Signed out: this browser's sign-in was revoked on the recorder."));

/** The cameras for a place that needs at least one; null (the place then says why, or Log In shows) when there is none. */
async function camerasFor(view, place) {
  let cameras;
  try {
    cameras = await (await api("/api/v1/cameras")).json();
  } catch (error) {
    if (error.status !== 401) view.show(...shell(place, el("p", { class: "empty", role: "alert", text: error.message })));
    return null;
  }
  if (cameras.length === 0) {
    view.show(...shell(place, el("p", { class: "empty", text: "No cameras yet. Add them on the recorder's own screen." })));
    return null;
  }
  return view.current() ? cameras : null;
}

start();
