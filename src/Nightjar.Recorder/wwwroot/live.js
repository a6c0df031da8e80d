// Live video in the console's tiles and the web app's (one player, two pages). Every <video data-live-src="…"> gets a player: a WebSocket from the recorder's
// live fan-out (a text message with the codecs before each init segment, then fMP4 as binary messages) fed into Media
// Source Extensions, kept near the live edge by playing a little faster when behind and jumping when far behind.
// Changing data-live-src (double-click switches sub-stream and main stream) restarts the player; removing the element
// stops it. Video bytes never go through the Blazor circuit.
(() => {
  const players = new Map();
  let handOvers = 0; // players that moved to a new element (for the benchmarks)
  const firstFrameAt = new Map(); // src → when this page first showed a frame of it (ms since the page began to load)
  // How far behind the newest buffered frame to play: close enough for a live picture, far enough that a frame
  // arriving a little late does not stall it.
  const behindToJump = 1.0; // seconds behind: jump
  const behindToRush = 0.3; // seconds behind: play 25 % faster
  const behindToHurry = 0.12; // seconds behind: play 10 % faster until caught up
  const keepBehind = 10; // seconds of played video kept in the buffer
  // Why the recorder closed a socket: the numbers of VideoSockets.cs (a test checks that both say the same), also
  // used by the web app's events socket.
  const closeStatus = { passwordChanged: 4001, locked: 4002, revoked: 4003 };

  /// Media Source Extensions where the browser has them, Safari's ManagedMediaSource (iOS 17.1 on) where only that
  /// exists; null where neither does (the page then shows still pictures instead).
  function mediaSourceKind() {
    return window.MediaSource || window.ManagedMediaSource || null;
  }

  class LivePlayer {
    constructor(video, src) {
      this.video = video;
      this.src = src;
      this.queue = [];
      this.pendingInit = null;
      this.closed = false;
      this.framesPresented = 0;
      this.arrivals = new Map();
      this.latencies = [];
      this.openedAt = performance.now();
      this.firstFrameMs = null;
      this.connect();
      this.timer = setInterval(() => this.keepLive(), 100);
      this.watchFrames();
    }

    connect() {
      const url = new URL(this.src, location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      // ?stamps=1 on the page (the benchmarks): the recorder says when each fragment arrived, for the latency figures.
      if (new URLSearchParams(location.search).get("stamps") === "1") url.searchParams.set("stamps", "1");
      this.socket = new WebSocket(url);
      this.socket.binaryType = "arraybuffer";
      this.socket.onmessage = (event) => this.receive(event.data);
      this.socket.onclose = (event) => {
        if (this.closed) return;
        if (event.code === closeStatus.passwordChanged) {
          this.say("Password changed");
          document.dispatchEvent(new CustomEvent("nightjar-password-changed"));
          return;
        }
        if (event.code === closeStatus.locked) {
          this.say("Locked: log in to watch");
          return;
        }
        if (event.code === closeStatus.revoked) {
          this.say("Signed out");
          document.dispatchEvent(new CustomEvent("nightjar-signed-out"));
          return;
        }
        setTimeout(() => !this.closed && this.connect(), 1000); // the recorder restarts, or the camera went away
      };
    }

    receive(data) {
      if (typeof data === "string") {
        const message = JSON.parse(data);
        if (message.type === "init") this.pendingInit = message;
        else if (message.type === "fragment") this.arrivals.set(Math.round(message.time * 1000), message.arrived);
        return;
      }
      if (this.pendingInit) {
        const init = this.pendingInit;
        this.pendingInit = null;
        this.queue.push({ init, bytes: data });
      } else {
        this.queue.push({ bytes: data });
      }
      this.pump();
    }

    ensureSource(codecs) {
      const type = `video/mp4; codecs="${codecs}"`;
      const Source = mediaSourceKind();
      if (!Source || !Source.isTypeSupported(type)) {
        this.say(codecs.startsWith("hev1") || codecs.startsWith("hvc1")
          ? "H.265: this screen cannot show it (recording goes on)"
          : "This screen cannot show this camera's video (recording goes on)");
        this.close();
        return false;
      }
      if (!this.mediaSource) {
        this.mediaSource = new Source();
        // Safari's ManagedMediaSource plays only where AirPlay is off or has another source; a live tile has none.
        if (Source !== window.MediaSource) this.video.disableRemotePlayback = true;
        this.video.src = URL.createObjectURL(this.mediaSource);
        this.mediaSource.addEventListener("sourceopen", () => {
          this.buffer = this.mediaSource.addSourceBuffer(type);
          this.buffer.mode = "segments";
          this.buffer.addEventListener("updateend", () => this.pump());
          this.type = type;
          this.pump();
        }, { once: true });
      } else if (this.buffer && type !== this.type) {
        this.buffer.changeType(type);
        this.type = type;
      }
      return true;
    }

    pump() {
      if (this.closed || this.queue.length === 0) return;
      const next = this.queue[0];
      if (next.init && !this.ensureSource(next.init.codecs)) return;
      if (!this.buffer || this.buffer.updating) return;
      this.queue.shift();
      try {
        if (next.init) {
          // Line the new media up right after what is buffered (time 0 for the first).
          const buffered = this.buffer.buffered;
          const end = buffered.length ? buffered.end(buffered.length - 1) : 0;
          this.buffer.timestampOffset = end - next.init.start + (buffered.length ? 0.04 : 0);
        }
        this.buffer.appendBuffer(next.bytes);
      } catch (error) {
        if (error.name === "QuotaExceededError") this.trim(0);
        else this.restart();
      }
    }

    keepLive() {
      const buffered = this.buffer && this.buffer.buffered;
      if (!buffered || buffered.length === 0 || this.closed) return;
      if (this.framesPresented === 0 && this.video.requestVideoFrameCallback) {
        // Show the keyframe the recorder started with (at most a keyframe interval old) before catching up: a picture
        // at once, live a moment later, rather than a black tile while the whole interval decodes.
        if (this.video.paused) this.video.play().catch(() => {});
        return;
      }
      const end = buffered.end(buffered.length - 1);
      const start = buffered.start(buffered.length - 1);
      const video = this.video;
      if (video.currentTime < start || end - video.currentTime > behindToJump) {
        video.currentTime = Math.max(start, end - 0.08);
      }
      const behind = end - video.currentTime;
      video.playbackRate = behind > behindToRush ? 1.25 : behind > behindToHurry ? 1.1 : 1.0;
      if (video.paused) video.play().catch(() => {});
      if (!this.buffer.updating && video.currentTime - buffered.start(0) > keepBehind * 2) this.trim(video.currentTime - keepBehind);
    }

    trim(before) {
      if (this.buffer && !this.buffer.updating && before > 0) this.buffer.remove(0, before);
    }

    watchFrames() {
      if (!this.video.requestVideoFrameCallback) return;
      const onFrame = (now, metadata) => {
        if (this.closed) return;
        this.framesPresented++;
        this.video.dataset.framesPresented = String(this.framesPresented);
        if (this.firstFrameMs === null) this.firstFrameMs = now - this.openedAt;
        if (!firstFrameAt.has(this.src)) firstFrameAt.set(this.src, now);
        const arrived = this.arrivals.get(Math.round((metadata.mediaTime - (this.buffer ? this.buffer.timestampOffset : 0)) * 1000));
        if (arrived !== undefined) {
          this.latencies.push(performance.timeOrigin + metadata.expectedDisplayTime - arrived);
          if (this.latencies.length > 2000) this.latencies.shift();
        }
        if (this.arrivals.size > 500) this.arrivals.clear();
        this.video.requestVideoFrameCallback(onFrame);
      };
      this.video.requestVideoFrameCallback(onFrame);
    }

    say(text) {
      const tile = this.video.closest(".tile");
      const message = tile && tile.querySelector(".tile-message");
      if (message) message.textContent = text;
      if (tile) tile.dataset.playback = "stopped";
    }

    /// The page put a new element in this one's place (Blazor replaces the prerendered page when its circuit
    /// starts): show this one's last picture on the new one until the new player's first frame, then stop.
    handOver(next) {
      try {
        if (this.video.readyState >= 2 && this.video.videoWidth > 0) {
          const canvas = document.createElement("canvas");
          canvas.width = this.video.videoWidth;
          canvas.height = this.video.videoHeight;
          canvas.getContext("2d").drawImage(this.video, 0, 0);
          next.poster = canvas.toDataURL("image/jpeg", 0.85);
        }
      } catch {
        // No picture to hand over: the new element starts black, as it would anyway.
      }
      this.close();
    }

    restart() {
      this.close();
      players.set(this.video, new LivePlayer(this.video, this.src));
    }

    close() {
      this.closed = true;
      clearInterval(this.timer);
      if (this.socket) this.socket.close();
      if (this.video.src) {
        URL.revokeObjectURL(this.video.src);
        this.video.removeAttribute("src");
        this.video.load();
      }
    }
  }

  function sync() {
    const gone = new Map(); // src → the player of an element that left the page
    for (const [video, player] of players) {
      if (!video.isConnected || video.dataset.liveSrc !== player.src) {
        players.delete(video);
        if (video.isConnected) player.close();
        else gone.set(player.src, player);
      }
    }
    for (const video of document.querySelectorAll("video[data-live-src]")) {
      const src = video.dataset.liveSrc;
      if (players.has(video) || !src) continue;
      if (gone.has(src)) {
        handOvers++;
        gone.get(src).handOver(video);
        gone.delete(src);
      }
      players.set(video, new LivePlayer(video, src));
    }
    for (const player of gone.values()) player.close();
  }

  new MutationObserver(sync).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-live-src"] });
  sync(); // the script comes after the page's tiles: start them now, not after the other scripts
  document.addEventListener("DOMContentLoaded", sync);

  window.nightjarLive = {
    closeStatus,
    canPlay: () => mediaSourceKind() !== null,
    kind: () => (window.MediaSource ? "MediaSource" : window.ManagedMediaSource ? "ManagedMediaSource" : "none"),
    // For the benchmarks and tests: what each player has shown.
    stats: () => [...players.values()].map((p) => ({
      src: p.src, framesPresented: p.framesPresented, firstFrameMs: p.firstFrameMs, firstFrameAt: firstFrameAt.get(p.src) ?? null, latencies: p.latencies.slice(),
    })),
    handOvers: () => handOvers,
    // Forget the latencies so far (after a warm-up).
    clear: () => players.forEach((p) => { p.latencies = []; }),
  };
})();
