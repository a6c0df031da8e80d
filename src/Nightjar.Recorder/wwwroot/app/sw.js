// The web app's service worker: Web Push alerts from the recorder. An alert shows its words at once; then, when the
// phone can reach the recorder (at home, or through a tunnel), the event's picture is fetched and the alert shown
// again with it, silently. A tap opens the web app where the alert points.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let alert;
  try {
    alert = event.data.json();
  } catch {
    alert = { title: "Nightjar", body: event.data ? event.data.text() : "", tag: "nightjar", url: "/" };
  }
  event.waitUntil(showAlert(alert));
});

async function showAlert(alert) {
  const at = Date.parse(alert.at);
  const when = Number.isNaN(at) ? "" : new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const options = {
    body: [alert.body, when].filter(Boolean).join(" · "),
    tag: alert.tag || "nightjar",
    timestamp: Number.isNaN(at) ? Date.now() : at,
    icon: "/app/icon.svg",
    data: { url: alert.url || "/" },
  };
  await self.registration.showNotification(alert.title || "Nightjar", options);
  if (!alert.picture) return;
  const image = await picture(alert.picture);
  if (image) await self.registration.showNotification(alert.title || "Nightjar", { ...options, image, renotify: false });
}

/** The picture as a data: address (a service worker has no blob: addresses), or null when the recorder cannot be reached. */
async function picture(path) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 8000);
  try {
    const response = await fetch(path, { credentials: "same-origin", signal: controller.signal });
    if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("image/jpeg")) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return "data:image/jpeg;base64," + btoa(binary);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      open.postMessage({ open: url.pathname + url.hash });
      return open.focus();
    }
    return self.clients.openWindow(url.href);
  })());
});

// The push service replaced the subscription (it expired): register the new one under the same sign-in.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const key = await fetch("/api/v1/push/key", { credentials: "same-origin" });
    if (!key.ok) return;
    const subscription = await self.registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: (await key.json()).publicKey,
    });
    await fetch("/api/v1/push/subscriptions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Nightjar-Web": "1" },
      body: JSON.stringify(subscription.toJSON()),
    });
  })());
});
