// Playback of recordings in the console and the web app (one player, two pages): the recorder sends an excerpt of a
// stream (the console's …/excerpt.mp4, the API's …/video.mp4: fragmented MP4 copied from the files, its time 0 at the
// wall time in X-Nightjar-Start), which is streamed into Media Source Extensions while it arrives. The timeline (role slider) is kept to the wall time shown; a click or a drag seeks.
// Seeking reads only the index and the fragments it needs, on the recorder's side; playing runs on across files, and
// when an excerpt ends the next one is fetched and lined up on the same clock.
window.nightjarPlayback = (() => {
  const ahead = 60; // seconds buffered ahead before reading more
  const behind = 30; // seconds kept behind the playing position
  const excerptMinutes = 30;
  let state = null;

  function iso(ms) { return new Date(ms).toISOString(); }

  /// Where the console reads excerpts; the web app passes its own (the API's video route).
  function consoleExcerpt(camera, stream, fromMs, toMs) {
    return `/console/media/recordings/${encodeURIComponent(camera)}/excerpt.mp4?stream=${stream}&from=${iso(fromMs)}&to=${iso(toMs)}`;
  }

  /// Media Source Extensions, or Safari's ManagedMediaSource where only that exists.
  function mediaSourceKind() {
    return window.MediaSource || window.ManagedMediaSource || null;
  }

  function timeText(ms) {
    const d = new Date(ms);
    return d.toLocaleTimeString("en-GB", { hour12: false });
  }

  class Player {
    constructor(video, timeline, camera, stream, excerptUrl) {
      this.excerptUrl = excerptUrl || consoleExcerpt;
      this.video = video;
      this.timeline = timeline;
      this.camera = camera;
      this.stream = stream;
      this.playing = false;
      this.rate = 1;
      this.origin = null; // wall ms of media time 0
      this.generation = 0;
      this.timer = setInterval(() => this.tick(), 100);
      this.bindTimeline();
      video.addEventListener("waiting", () => this.jumpGap());
      this.watchFrames();
    }

    /// The wall time of every frame put on screen, for the tests and the seek benchmark.
    watchFrames() {
      if (!this.video.requestVideoFrameCallback) return;
      const onFrame = (now, metadata) => {
        if (this.origin !== null) {
          this.presentedMs = this.origin + metadata.mediaTime * 1000;
          this.presentedAt = now;
          this.video.dataset.presentedMs = String(Math.round(this.presentedMs));
        }
        this.video.requestVideoFrameCallback(onFrame);
      };
      this.video.requestVideoFrameCallback(onFrame);
    }

    get windowStart() { return Number(this.timeline.dataset.windowStart); }
    get windowEnd() { return Number(this.timeline.dataset.windowEnd); }

    /// Wall time (ms) now shown.
    position() {
      return this.origin === null ? this.windowStart : this.origin + this.video.currentTime * 1000;
    }

    bindTimeline() {
      const at = (event) => {
        const box = this.timeline.getBoundingClientRect();
        const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
        return this.windowStart + fraction * (this.windowEnd - this.windowStart);
      };
      let dragging = false;
      this.timeline.addEventListener("pointerdown", (event) => {
        dragging = true;
        this.timeline.setPointerCapture(event.pointerId);
        this.showPosition(at(event));
      });
      this.timeline.addEventListener("pointermove", (event) => dragging && this.showPosition(at(event)));
      this.timeline.addEventListener("pointerup", (event) => {
        if (!dragging) return;
        dragging = false;
        this.seek(at(event));
      });
      this.timeline.addEventListener("keydown", (event) => {
        const step = event.key === "ArrowRight" ? 1000 : event.key === "ArrowLeft" ? -1000 : 0;
        if (step) this.seek(this.position() + step);
      });
    }

    showPosition(ms) {
      const span = this.windowEnd - this.windowStart;
      const fraction = span > 0 ? Math.min(1, Math.max(0, (ms - this.windowStart) / span)) : 0;
      const thumb = this.timeline.querySelector(".thumb");
      if (thumb) thumb.style.left = `${fraction * 100}%`;
      this.timeline.setAttribute("aria-valuenow", String(Math.round(ms / 1000)));
      this.timeline.setAttribute("aria-valuetext", timeText(ms));
      this.timeline.dataset.positionMs = String(Math.round(ms));
      const shown = document.getElementById("playback-time");
      if (shown) shown.textContent = timeText(ms);
    }

    say(text) {
      const message = document.getElementById("playback-message");
      if (message) message.textContent = text;
    }

    /// Clears the message when it is <text> (the video came), leaving one that says something else (a gap skipped).
    sayUnless(text) {
      const message = document.getElementById("playback-message");
      if (message && message.textContent === text) message.textContent = "";
    }

    /// The start of the first buffered range after <seconds>, or null.
    rangeAfter(seconds) {
      const ranges = this.buffer ? this.buffer.buffered : null;
      if (!ranges) return null;
      for (let i = 0; i < ranges.length; i++) {
        if (ranges.start(i) > seconds) return ranges.start(i);
      }
      return null;
    }

    buffered(seconds) {
      const ranges = this.buffer ? this.buffer.buffered : null;
      if (!ranges) return null;
      for (let i = 0; i < ranges.length; i++) {
        if (seconds >= ranges.start(i) - 0.05 && seconds <= ranges.end(i)) return { start: ranges.start(i), end: ranges.end(i), index: i };
      }
      return null;
    }

    seek(ms) {
      this.showPosition(ms);
      if (this.origin !== null && this.buffered((ms - this.origin) / 1000)) {
        this.video.currentTime = (ms - this.origin) / 1000;
        return;
      }
      this.load(ms);
    }

    async load(fromMs) {
      const generation = ++this.generation;
      if (this.controller) this.controller.abort();
      this.controller = new AbortController();
      this.say("Loading…");
      this.resetMedia();
      this.origin = null;
      this.target = fromMs;
      await this.fetchExcerpt(fromMs, generation);
    }

    resetMedia() {
      if (this.video.src) URL.revokeObjectURL(this.video.src);
      const Source = mediaSourceKind();
      this.mediaSource = new Source();
      if (Source !== window.MediaSource) this.video.disableRemotePlayback = true;
      this.buffer = null;
      this.type = null;
      this.sourceOpen = new Promise((resolve) => this.mediaSource.addEventListener("sourceopen", resolve, { once: true }));
      this.video.src = URL.createObjectURL(this.mediaSource);
    }

    /// continuing: this excerpt follows one that ended; nothing there yet is not an error (the live edge, or a gap).
    async fetchExcerpt(fromMs, generation, continuing = false) {
      const url = this.excerptUrl(this.camera, this.stream, fromMs, fromMs + excerptMinutes * 60000);
      let response;
      try {
        response = await fetch(url, { signal: this.controller.signal, cache: "no-store" });
      } catch {
        return;
      }
      if (generation !== this.generation) return;
      if (!response.ok && continuing && response.status === 404) {
        // At the live edge wait for more; past a long gap look further on in the day.
        const atLiveEdge = fromMs > Date.now() - 120000;
        if (atLiveEdge) await new Promise((r) => setTimeout(r, 2000));
        const next = atLiveEdge ? fromMs : fromMs + excerptMinutes * 60000;
        if (generation === this.generation && next < this.windowEndOfDay()) await this.fetchExcerpt(next, generation, true);
        return;
      }
      if (!response.ok) {
        this.say(response.status === 404 ? "Nothing was recorded at this time." : `The recording could not be played (${response.status}).`);
        return;
      }
      const start = Date.parse(response.headers.get("X-Nightjar-Start"));
      const end = Date.parse(response.headers.get("X-Nightjar-End"));
      const codecs = response.headers.get("X-Nightjar-Codecs");
      const type = `video/mp4; codecs="${codecs}"`;
      if (!codecs || !mediaSourceKind().isTypeSupported(type)) {
        this.say(codecs && (codecs.startsWith("hev1") || codecs.startsWith("hvc1"))
          ? "H.265: this screen cannot show it. Export works: play the file on another device."
          : "This screen cannot show this recording.");
        return;
      }
      await this.sourceOpen;
      if (generation !== this.generation) return;
      if (!this.buffer) {
        this.buffer = this.mediaSource.addSourceBuffer(type);
        this.buffer.mode = "segments";
        this.type = type;
      } else if (type !== this.type) {
        this.buffer.changeType(type);
        this.type = type;
      }
      if (this.origin === null) this.origin = start;
      await this.whenIdle();
      this.buffer.timestampOffset = (start - this.origin) / 1000;
      this.sayUnless("Loading…");
      const reader = response.body.getReader();
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch {
          return; // aborted by a seek
        }
        if (generation !== this.generation) return;
        if (chunk.done) break;
        await this.append(chunk.value, generation);
        if (this.target !== null) {
          const wanted = (this.target - this.origin) / 1000;
          // The time asked for fell where nothing was recorded (a gap, or before the first recording): the video
          // arrived from after it, so show that, and say what was skipped.
          const after = this.buffered(wanted) ? null : this.rangeAfter(wanted);
          if (this.buffered(wanted) || after !== null) {
            this.video.currentTime = after ?? wanted;
            // Less than a second off is where the recording's first frame happens to fall, not a gap worth a word.
            if (after !== null && after - wanted > 1) this.sayGap(this.target, this.origin + after * 1000);
            this.target = null;
            if (this.playing) this.video.play().catch(() => {});
          }
        }
        while (generation === this.generation && this.bufferedAhead() > ahead) await new Promise((r) => setTimeout(r, 500));
      }
      // Go on with what comes after this excerpt, on the same clock.
      if (generation === this.generation && end > start && end < this.windowEndOfDay()) {
        await this.fetchExcerpt(end, generation, true);
      }
    }

    windowEndOfDay() { return Number(this.timeline.dataset.dayEnd || this.windowEnd); }

    bufferedAhead() {
      const range = this.buffered(this.video.currentTime);
      return range ? range.end - this.video.currentTime : 0;
    }

    whenIdle() {
      return this.buffer.updating ? new Promise((r) => this.buffer.addEventListener("updateend", r, { once: true })) : Promise.resolve();
    }

    async append(bytes, generation) {
      for (let attempt = 0; attempt < 2; attempt++) {
        await this.whenIdle();
        if (generation !== this.generation) return;
        try {
          this.buffer.appendBuffer(bytes);
          await this.whenIdle();
          return;
        } catch (error) {
          if (error.name !== "QuotaExceededError") throw error;
          await this.trim();
        }
      }
    }

    async trim() {
      const keepFrom = this.video.currentTime - behind;
      if (keepFrom > 0) {
        await this.whenIdle();
        this.buffer.remove(0, keepFrom);
        await this.whenIdle();
      }
    }

    /// At a hole between recorded spans (the camera was off), go on at the next recorded moment.
    jumpGap() {
      const ranges = this.buffer && this.buffer.buffered;
      if (!ranges) return;
      const now = this.video.currentTime;
      for (let i = 0; i < ranges.length; i++) {
        if (ranges.start(i) > now + 0.05) {
          const previousEnd = i > 0 ? ranges.end(i - 1) : 0;
          if (now >= previousEnd - 0.3) {
            const from = this.position();
            this.video.currentTime = ranges.start(i);
            this.sayGap(from, this.origin + ranges.start(i) * 1000);
          }
          return;
        }
      }
    }

    /// Says what was skipped, with the gap's reason from the timeline, for a while: a jump is never silent.
    sayGap(fromMs, toMs) {
      const gap = [...this.timeline.querySelectorAll(".timeline-gap")]
        .find((g) => Number(g.dataset.start) < toMs && Number(g.dataset.end) > fromMs);
      const text = gap
        ? `Not recorded ${timeText(Number(gap.dataset.start))}–${timeText(Number(gap.dataset.end))}: ${gap.dataset.reason}. Playing on from ${timeText(toMs)}.`
        : `Nothing recorded until ${timeText(toMs)}: playing on from there.`;
      this.say(text);
      clearTimeout(this.gapSaid);
      this.gapSaid = setTimeout(() => {
        const message = document.getElementById("playback-message");
        if (message && message.textContent === text) this.say("");
      }, 8000);
    }

    tick() {
      if (this.origin === null || this.target !== null) return;
      this.showPosition(this.position());
      if (this.playing && this.video.paused && this.bufferedAhead() > 0.2) this.video.play().catch(() => {});
    }

    setPlaying(playing) {
      this.playing = playing;
      if (playing) this.video.play().catch(() => {});
      else this.video.pause();
    }

    setRate(rate) {
      this.rate = rate;
      this.video.defaultPlaybackRate = rate; // kept when a seek loads new media
      this.video.playbackRate = rate;
    }

    close() {
      this.generation++;
      clearInterval(this.timer);
      if (this.controller) this.controller.abort();
      if (this.video.src) URL.revokeObjectURL(this.video.src);
    }
  }

  return {
    open(video, timeline, camera, stream, fromMs, excerptUrl) {
      if (state) state.close();
      state = new Player(video, timeline, camera, stream, excerptUrl);
      state.video.playbackRate = 1;
      state.load(fromMs);
    },
    seek(ms) { if (state) state.seek(ms); },
    step(seconds) { if (state) state.seek(state.position() + seconds * 1000); },
    setPlaying(playing) { if (state) state.setPlaying(playing); },
    setRate(rate) { if (state) state.setRate(rate); },
    playing() { return !!state && state.playing; },
    canPlay: () => mediaSourceKind() !== null,
    position() { return state ? Math.round(state.position()) : 0; },
    close() { if (state) { state.close(); state = null; } },
    // For tests and benchmarks: the wall time of the frame on screen, from the media time of the last presented frame.
    stats() {
      return state ? { origin: state.origin, currentTime: state.video.currentTime, presentedMs: state.presentedMs ?? null, presentedAt: state.presentedAt ?? null, position: state.position() } : null;
    },
  };
})();
