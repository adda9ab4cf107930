// Optional enhancements of the server-drawn SVG charts: a tooltip that follows the pointer
// and legend keys that hide or show their series (toggle buttons: click, Enter or Space).
// Charts and tables work without this file.
(function () {
  "use strict";
  var tip = null;
  function show(event) {
    var title = event.target.querySelector("title");
    if (!title) { return; }
    if (!tip) { tip = document.createElement("div"); tip.className = "tooltip"; document.body.appendChild(tip); }
    tip.textContent = title.textContent;
    tip.style.left = (event.pageX + 12) + "px";
    tip.style.top = (event.pageY + 12) + "px";
    tip.hidden = false;
  }
  function hide() { if (tip) { tip.hidden = true; } }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart circle, .chart rect").forEach(function (mark) {
      mark.addEventListener("mousemove", show);
      mark.addEventListener("mouseleave", hide);
    });
    document.querySelectorAll(".chart .series .key").forEach(function (key) {
      // A chart with keys to operate is no longer a mere image (whose parts are hidden from
      // assistive technology) but a group holding toggle buttons, each named by its series.
      key.closest("svg").setAttribute("role", "group");
      var name = key.nextElementSibling;
      key.setAttribute("tabindex", "0");
      key.setAttribute("role", "button");
      key.setAttribute("aria-label", name ? name.textContent : "");
      key.setAttribute("aria-pressed", "true");
      function toggle() {
        var hidden = key.parentNode.classList.toggle("hidden");
        key.setAttribute("aria-pressed", hidden ? "false" : "true");
      }
      key.addEventListener("click", toggle);
      key.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
      });
    });
  });
}());
