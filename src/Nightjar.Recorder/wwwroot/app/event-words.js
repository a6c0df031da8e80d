// How an event is said, in the Events list and on the Playback Timeline.

const labelWords = { person: "Person", car: "Car", truck: "Truck", bus: "Bus", motorcycle: "Motorcycle", bicycle: "Bicycle", cat: "Cat", dog: "Dog", bird: "Bird", horse: "Horse" };

export function what(event) {
  if (event.objects.length === 0) return event.kind === "camera-motion" ? "Motion (camera)" : "Motion";
  return event.objects.map((o) => `${labelWords[o.label] || o.label} ${Math.round(o.score * 100)} %`).join(", ");
}
