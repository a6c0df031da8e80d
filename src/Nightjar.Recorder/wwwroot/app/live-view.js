// Live: the grid of sub-streams (a tap fills the screen with the main stream). Video is the console's own player:
// /live.js plays every <video data-live-src> on the page.

import { el } from "/app/dom.js";

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

/** Shows the grid; `view` is what the shell gives every place (see app.js). */
export async function showLive(view) {
  const cameras = await view.camerasFor("live");
  if (!cameras) return;
  const tiles = cameras.map((camera) => tile(camera, camera.hasSubStream ? "sub" : "main", "button",
    { type: "button", "aria-label": camera.name, onclick: () => showFull(view.root, camera) }));
  if (!view.show(...view.shell("live", el("h1", { text: "Live" }), el("div", { class: "grid" }, ...tiles)))) return;
  const stopStarting = startOneAfterAnother(view.root, tiles.map((t) => t.querySelector("video[data-live-src]")).filter(Boolean));
  view.leaving(() => {
    stopStarting();
    tiles.forEach((t) => t.stop());
  });
}

const nextTileAfter = 500; // ms: a tile that shows nothing by then does not hold up the next

/**
 * The grid's players start one after another: each live socket begins with the last keyframe and the frames since, so
 * four at once share a phone's link four ways and the first picture waits for all of them. Each next tile starts when
 * the one before shows its first frame, or half a second after it started, whichever comes first. Returns a function
 * that stops starting (leaving the view).
 */
function startOneAfterAnother(root, videos) {
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
function showFull(root, camera) {
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
