// Events: every event newest first, with thumbnails, filters, the clip, Keep, and the way into Playback.

import * as alerts from "/app/alerts.js";
import { el } from "/app/dom.js";
import { what } from "/app/event-words.js";

const pageSize = 30;
const clipMargin = 5000; // an event's clip, and Playback opened from it, begin this long before it
const timeFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" });

function length(event) {
  if (!event.end) return "going on";
  const seconds = Math.max(1, Math.round((Date.parse(event.end) - Date.parse(event.start)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Shows the list; `view` is what the shell gives every place (see app.js). */
export async function showEvents(view) {
  const { api } = view;
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
    list.append(...events.map((event) => item(view, event)));
    oldest = events.length ? events[events.length - 1].start : oldest;
    more.hidden = events.length < pageSize;
    said.textContent = list.children.length === 0 ? (filter.show === "all" && !filter.camera ? "No events yet." : "No events match.") : "";
  }
  more.addEventListener("click", () => load(true));

  const shown = view.show(...view.shell("events",
    el("h1", { text: "Events" }),
    alertsControl(api),
    el("div", { class: "filters" }, el("label", { for: "event-camera" }, "Camera", cameraSelect), showGroup),
    said, list, more));
  if (!shown) return;
  // New events come in over the events socket: the list follows while it shows the newest.
  let pending = null;
  const onEvent = () => {
    if (list.querySelector(".event") && window.scrollY > 200) return;
    clearTimeout(pending);
    pending = setTimeout(() => load(), 500);
  };
  document.addEventListener("nightjar-event", onEvent);
  view.leaving(() => {
    clearTimeout(pending);
    document.removeEventListener("nightjar-event", onEvent);
  });
  await load();
}

/** "Alerts on This Device": a switch, and the words when this browser cannot or something went wrong. */
function alertsControl(api) {
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

function item(view, event) {
  const start = new Date(event.start);
  const keep = el("button", { type: "button", "aria-pressed": event.kept ? "true" : "false", text: event.kept ? "Kept" : "Keep" });
  keep.addEventListener("click", async () => {
    const keeping = keep.getAttribute("aria-pressed") !== "true";
    keep.disabled = true;
    try {
      await view.api(`/api/v1/events/${event.id}/keep`, { method: keeping ? "POST" : "DELETE" });
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
      el("button", { type: "button", text: "Play", onclick: () => playClip(view.root, event) }),
      el("button", { type: "button", text: "Playback", onclick: () => view.openPlayback(event.camera, Date.parse(event.start) - clipMargin) }),
      keep));
}

/** The event's clip (5 s before it to 5 s after), with the browser's own controls. */
function playClip(root, event) {
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

