// A printed record says when it was printed, in its running foot: the page
// itself is the same for everyone (and kept rendered), so the date is the
// reader's own, written in when the page opens and again before it prints.
// Without scripts the foot gives the address alone.
"use strict";

function writePrintedOn() {
  const today = new Date().toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/London",
  });
  for (const place of document.querySelectorAll(".printed-on")) {
    place.textContent = "Printed on " + today;
  }
}

document.addEventListener("DOMContentLoaded", writePrintedOn);
window.addEventListener("beforeprint", writePrintedOn);
