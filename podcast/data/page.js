// The episode page: marks the cue and the word being spoken, seeks on clicks,
// #t=SECONDS links.
// No framework, no network; reads everything from the page's own markup.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var cues = Array.prototype.slice.call(document.querySelectorAll(".cue"));
  var starts = cues.map(function (cue) { return parseFloat(cue.dataset.start); });
  var current = null;
  var pending = null;

  function spokenAt(seconds) {  // the last cue that starts at or before `seconds`
    var low = 0, high = starts.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (starts[middle] <= seconds) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found < 0 ? null : cues[found];
  }

  var word = null;

  function markWord(cue, seconds) {  // the last word of the cue begun by `seconds`
    var found = null;
    if (cue) {
      Array.prototype.forEach.call(cue.querySelectorAll(".w"), function (each) {
        if (parseFloat(each.dataset.t) <= seconds) { found = each; }
      });
    }
    if (found === word) { return; }
    if (word) { word.removeAttribute("data-now"); }
    word = found;
    if (word) { word.setAttribute("data-now", ""); }
  }

  function mark(seconds, scroll) {
    var cue = spokenAt(seconds);
    markWord(cue, seconds);
    if (cue === current) { return; }
    if (current) { current.removeAttribute("aria-current"); }
    current = cue;
    if (cue) {
      cue.setAttribute("aria-current", "true");
      if (scroll) { cue.scrollIntoView({ block: "nearest" }); }
    }
  }

  function seek(seconds) {
    pending = seconds;
    mark(seconds, true);
    try { audio.currentTime = seconds; } catch (error) { /* applied once metadata loads */ }
  }

  function fromHash() {
    var found = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (found) { seek(parseFloat(found[1])); }
  }

  audio.addEventListener("loadedmetadata", function () {
    if (pending !== null) { audio.currentTime = pending; }
    placeBars(audio.duration);
  });
  audio.addEventListener("seeked", function () { pending = null; mark(audio.currentTime, false); });
  audio.addEventListener("timeupdate", function () {
    if (pending === null) { mark(audio.currentTime, !audio.paused); }
  });
  window.addEventListener("hashchange", fromHash);

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-start]");
    if (!target || target === audio) { return; }
    event.preventDefault();
    var seconds = parseFloat(target.dataset.start);
    history.replaceState(null, "", "#t=" + seconds);
    seek(seconds);
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.classList.contains("cue")) {
      event.preventDefault();
      target.click();
    }
  });

  function placeBars(total) {  // the speaker timeline: a bar per turn, placed by time
    var line = document.getElementById("timeline");
    total = total || parseFloat(line.dataset.seconds) || 1;
    Array.prototype.forEach.call(line.querySelectorAll(".bar"), function (bar) {
      var start = parseFloat(bar.dataset.start), end = parseFloat(bar.dataset.end);
      bar.style.left = (100 * start / total) + "%";
      bar.style.width = Math.max(0.2, 100 * (end - start) / total) + "%";
    });
  }

  placeBars(0);
  fromHash();
}());
