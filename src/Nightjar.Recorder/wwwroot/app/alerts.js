// "Alerts on This Device": Web Push from the recorder to this browser. The browser subscribes at its push service with
// the recorder's key; the recorder keeps the subscription under this sign-in and sends each alert there, encrypted
// for this browser alone. Where a browser cannot (no push service, not installed on an iPhone, notifications
// blocked), the control says why instead of failing silently.

const scope = "/app/";

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** Why this browser cannot get alerts, in words, or null when it can. */
export function whyNot() {
  if (!window.isSecureContext) return "Alerts need a secure (https) connection to the recorder.";
  if (!supported()) {
    return "This browser cannot receive alerts from a web page. On an iPhone or iPad, add this page to the Home Screen first (Share, then Add to Home Screen) and open it from there.";
  }
  if (Notification.permission === "denied") return "Notifications are blocked for this page: allow them in the browser's site settings.";
  return null;
}

async function currentSubscription() {
  if (!supported()) return null;
  const registration = await navigator.serviceWorker.getRegistration(scope);
  return registration ? registration.pushManager.getSubscription() : null;
}

export async function isOn() {
  return !!(await currentSubscription()) && Notification.permission === "granted";
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export async function turnOn(api) {
  if (await Notification.requestPermission() !== "granted") throw new Error("Notifications were not allowed for this page.");
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/app/sw.js", { scope });
  } catch (error) {
    // Browsers start no service worker from a page whose certificate they do not trust (the box's own, clicked through).
    throw new Error(`This browser would not start the web app's alert helper (${error.message || error.name}). Alerts need a certificate the browser trusts: install your own on the recorder (the README says how).`);
  }
  const { publicKey } = await (await api("/api/v1/push/key")).json();
  let subscription;
  try {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch (error) {
    throw new Error(`This browser could not subscribe at its push service (${error.message || error.name}).`);
  }
  await api("/api/v1/push/subscriptions", { method: "POST", body: JSON.stringify(subscription.toJSON()) });
}

export async function turnOff(api) {
  const subscription = await currentSubscription();
  await api("/api/v1/push/subscriptions", { method: "DELETE" });
  if (subscription) await subscription.unsubscribe();
}

/** After Log In: a browser that had alerts on registers its subscription under the new sign-in. */
export async function resume(api) {
  if (!supported() || Notification.permission !== "granted") return;
  const subscription = await currentSubscription();
  if (subscription) await api("/api/v1/push/subscriptions", { method: "POST", body: JSON.stringify(subscription.toJSON()) });
}

/** A tapped alert asks the open web app to go where it points. */
export function followTaps(go) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    const open = event.data && event.data.open;
    if (typeof open === "string" && open.startsWith("/")) go(open);
  });
}
