// When the connection to the recorder drops (a reboot, a restart, a crash), say so on screen and wait for the
// recorder to answer /healthz with a new boot id; then load the live view again. After a reboot every console
// session has ended, so the live view comes back locked.
(() => {
  const modal = document.getElementById("components-reconnect-modal");
  const text = document.getElementById("reconnect-text");
  const bootMeta = document.querySelector('meta[name="nightjar-boot-id"]');
  const bootId = bootMeta ? bootMeta.content : "";
  let polling = false;

  function backToLiveView() {
    location.replace("/");
  }

  async function waitForNewBoot() {
    if (polling) return;
    polling = true;
    for (;;) {
      try {
        const response = await fetch("/healthz", { cache: "no-store" });
        if (response.ok) {
          const health = await response.json();
          if (health.bootId !== bootId) {
            backToLiveView();
            return;
          }
        }
      } catch {
        // Not up yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  // A page served moments before a reboot can lose the race: the host stops before its live connection is up, and
  // Blazor shows no reconnect dialog for a connection it never had. If the screen is not interactive soon, look
  // for a new boot (and load the live view from it); if the same boot still cannot connect, load the page again.
  const loadedAt = Date.now();
  async function watchStart() {
    if (document.querySelector('#console[data-interactive="true"]') || polling) return;
    try {
      const response = await fetch("/healthz", { cache: "no-store" });
      const health = response.ok ? await response.json() : null;
      if ((health && health.bootId !== bootId) || Date.now() - loadedAt > 15000) {
        backToLiveView();
        return;
      }
    } catch {
      // The recorder is between hosts: keep looking.
    }
    setTimeout(watchStart, 1000);
  }
  setTimeout(watchStart, 3000);

  modal.addEventListener("components-reconnect-state-changed", (event) => {
    const state = event.detail.state;
    if (state === "show" || state === "retrying") {
      const shutDown = document.querySelector("[data-shutting-down]");
      if (shutDown) {
        // Shut Down: the recorder is not coming back by itself. Say so where the screen already says it, instead
        // of an endless "Reconnecting…"; if someone switches it on again, the live view still comes back.
        shutDown.textContent = "The recorder has shut down.";
        const next = shutDown.nextElementSibling;
        if (next) next.textContent = "It is off now. Switch it on again to use it.";
      } else if (!document.querySelector("[data-rebooting]")) {
        // A reboot (Power, or after a password reset) already says "Rebooting…" and what comes next on the screen;
        // covering that with a second "Rebooting…" would hide it. Anything else: say the connection is down.
        text.textContent = "Reconnecting…";
        modal.classList.add("visible");
      }
      waitForNewBoot();
    } else if (state === "hide") {
      modal.classList.remove("visible");
    } else if (state === "failed" || state === "rejected" || state === "resume-failed") {
      // The recorder answered but no longer knows this screen (it restarted): start afresh.
      backToLiveView();
    }
  });
})();
