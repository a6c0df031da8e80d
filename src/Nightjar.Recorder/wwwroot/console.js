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

  modal.addEventListener("components-reconnect-state-changed", (event) => {
    const state = event.detail.state;
    if (state === "show" || state === "retrying") {
      text.textContent = document.querySelector("[data-rebooting]") ? "Rebooting…" : "Reconnecting…";
      modal.classList.add("visible");
      waitForNewBoot();
    } else if (state === "hide") {
      modal.classList.remove("visible");
    } else if (state === "failed" || state === "rejected" || state === "resume-failed") {
      // The recorder answered but no longer knows this screen (it restarted): start afresh.
      backToLiveView();
    }
  });
})();
